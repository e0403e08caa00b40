import assert from 'node:assert/strict';
import {test} from 'node:test';
import {isMac, touchAction, wheelAction, zoomHint} from '../src/player/gestures.js';
import {golden} from './golden.js';

const ui = golden().ui;

test('the wheel zooms the map only with Ctrl or ⌘ (and a trackpad pinch, which sets ctrlKey)', () => {
  assert.equal(wheelAction({ctrlKey: false, metaKey: false}), 'scroll');
  assert.equal(wheelAction({ctrlKey: true, metaKey: false}), 'zoom');
  assert.equal(wheelAction({ctrlKey: false, metaKey: true}), 'zoom');
});

test('the hint names the key of the reader\'s platform', () => {
  assert.equal(isMac('MacIntel'), true);
  assert.equal(isMac('iPhone'), true);
  assert.equal(isMac('Linux x86_64'), false);
  assert.equal(isMac(undefined), false);
  assert.match(zoomHint(ui, false), /Ctrl \+ scroll/);
  assert.match(zoomHint(ui, true), /⌘ \+ scroll/);
});

test('one finger scrolls the page except in presentation mode', () => {
  assert.equal(touchAction('page'), 'pan-x pan-y');
  assert.equal(touchAction('embed'), 'pan-x pan-y');
  assert.equal(touchAction('present'), 'none');
});
