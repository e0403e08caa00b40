import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FIRST_STEP_MS, OVERVIEW, afterArrival, afterLast, dwellAt, dwellItems, dwellMs, initialIndex, isStopIndex, keyAction,
  planMove, startPlaying,
  stepTarget} from '../src/player/state.js';
import {golden} from './golden.js';

const config = golden();
const count = config.stops.length;

test('a step forward from a stop flies along the leg', () => {
  assert.deepEqual(planMove(0, 1, count), {index: 1, kind: 'leg', leg: 0});
});

test('the first step from the overview cuts to the first stop', () => {
  assert.deepEqual(planMove(OVERVIEW, 0, count), {index: 0, kind: 'cut', instant: false});
});

test('a step back cuts to the stop: the trip is not replayed', () => {
  assert.equal(planMove(2, 1, count).kind, 'cut');
});

test('a jump ahead by more than one stop cuts', () => {
  assert.equal(planMove(0, 2, count).kind, 'cut');
});

test('going to the overview is its own kind of move', () => {
  assert.deepEqual(planMove(1, OVERVIEW, count, {instant: true}), {index: OVERVIEW, kind: 'overview', instant: true});
});

test('reduced motion and instant moves never fly a leg', () => {
  assert.equal(planMove(0, 1, count, {reducedMotion: true}).kind, 'cut');
  assert.equal(planMove(0, 1, count, {instant: true}).kind, 'cut');
});

test('goto a place outside the story is refused', () => {
  for (const bad of [-2, count, 1.5, NaN, '1', null, undefined]) assert.equal(planMove(0, bad, count), null, String(bad));
  assert.equal(isStopIndex(OVERVIEW, count), true);
});

test('next steps forward and stops at the last stop', () => {
  assert.equal(stepTarget(OVERVIEW, 1, count), 0);
  assert.equal(stepTarget(1, 1, count), 2);
  assert.equal(stepTarget(count - 1, 1, count), null);
});

test('previous steps back and stops at the overview', () => {
  assert.equal(stepTarget(1, -1, count), 0);
  assert.equal(stepTarget(0, -1, count), OVERVIEW);
  assert.equal(stepTarget(OVERVIEW, -1, count), null);
});

test('the dwell is the stop\'s own, resolved by Python, in ms', () => {
  assert.equal(dwellMs(config, 1), config.stops[1].dwell_seconds * 1000);
  assert.equal(dwellMs(config, OVERVIEW), config.story.dwell_seconds * 1000);
});

test('the reader\'s dwell override wins over the stop\'s', () => {
  const c = golden();
  c.start.dwell_override = 2.5;
  assert.equal(dwellMs(c, 0), 2500);
});

test('autoplay waits at each stop and ends at the last', () => {
  assert.equal(afterArrival(0, count, true), 'wait');
  assert.equal(afterArrival(count - 1, count, true), 'end');
  assert.equal(afterArrival(0, count, false), 'idle');
});

test('play from the overview starts after the first-step delay', () => {
  assert.deepEqual(startPlaying(config, OVERVIEW), {rewind: false, delayMs: FIRST_STEP_MS});
});

test('play from a stop waits for its dwell', () => {
  assert.deepEqual(startPlaying(config, 0), {rewind: false, delayMs: dwellMs(config, 0)});
});

test('play at the end rewinds to the overview', () => {
  assert.deepEqual(startPlaying(config, count - 1), {rewind: true, delayMs: FIRST_STEP_MS});
});

test('a whole autoplay run visits every stop once, in order, then ends', () => {
  let index = OVERVIEW;
  const visited = [];
  for (;;) {
    const target = stepTarget(index, 1, count);
    assert.notEqual(target, null);
    index = planMove(index, target, count).index;
    visited.push(index);
    if (afterArrival(index, count, true) === 'end') break;
  }
  assert.deepEqual(visited, config.stops.map((s) => s.index));
});

test('the story starts at the overview, or at the config\'s start stop', () => {
  assert.equal(initialIndex(config), OVERVIEW);
  const c = golden();
  c.start.stop = c.stops[2].id;
  assert.equal(initialIndex(c), 2);
});

const key = (k, extra) => Object.assign({key: k, target: {tagName: 'DIV'}}, extra || {});

test('arrow and page keys step', () => {
  assert.deepEqual(keyAction(key('ArrowRight'), 0, count), {type: 'step', delta: 1});
  assert.deepEqual(keyAction(key('PageDown'), 0, count), {type: 'step', delta: 1});
  assert.deepEqual(keyAction(key('ArrowLeft'), 0, count), {type: 'step', delta: -1});
  assert.deepEqual(keyAction(key('PageUp'), 0, count), {type: 'step', delta: -1});
});

test('Home goes to the first stop, and from there to the overview', () => {
  assert.deepEqual(keyAction(key('Home'), 2, count), {type: 'goto', index: 0});
  assert.deepEqual(keyAction(key('Home'), 0, count), {type: 'goto', index: OVERVIEW});
});

test('? opens the keyboard help (Shift is no modifier here)', () => {
  assert.deepEqual(keyAction(key('?', {shiftKey: true}), 2, count), {type: 'help'});
  assert.equal(keyAction(key('?', {ctrlKey: true}), 2, count), null);
});

test('End goes to the last stop', () => {
  assert.deepEqual(keyAction(key('End'), OVERVIEW, count), {type: 'goto', index: count - 1});
});

test('Space toggles play, except on a button (which it presses)', () => {
  assert.deepEqual(keyAction(key(' '), 0, count), {type: 'toggle'});
  assert.deepEqual(keyAction(key('Spacebar'), 0, count), {type: 'toggle'});
  assert.equal(keyAction(key(' ', {target: {tagName: 'BUTTON'}}), 0, count), null);
});

test('keys with a modifier, handled keys and other keys are left alone', () => {
  for (const extra of [{altKey: true}, {ctrlKey: true}, {metaKey: true}, {defaultPrevented: true}]) {
    assert.equal(keyAction(key('ArrowRight', extra), 0, count), null);
  }
  assert.equal(keyAction(key('a'), 0, count), null);
  assert.equal(keyAction(key('Enter'), 0, count), null);
});

test('keys typed into a form field or editable text are not navigation', () => {
  for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) assert.equal(keyAction(key('ArrowRight', {target: {tagName}}), 0, count), null);
  assert.equal(keyAction(key('ArrowRight', {target: {tagName: 'DIV', isContentEditable: true}}), 0, count), null);
});

test('a dwell shows each quote, then each note, for a share of it in proportion to its length', () => {
  const stop = {quotes: [{text: 'x'.repeat(30), attribution: 'y'.repeat(10)}, {text: 'z'.repeat(10), attribution: 'y'.repeat(10)}],
                sources_differ: [{note: 'n'.repeat(20)}]};
  const items = dwellItems(stop);
  assert.deepEqual(items.map((i) => [i.kind, i.index, i.chars]), [['quote', 0, 40], ['quote', 1, 20], ['note', 0, 20]]);
  // 80 characters over 8 s: the first quote for 4 s, the second for 2 s, the note for the last 2 s.
  assert.deepEqual(dwellAt(items, 8000, 0), {item: 0, progress: 0});
  assert.equal(dwellAt(items, 8000, 3999).item, 0);
  assert.equal(dwellAt(items, 8000, 4001).item, 1);
  assert.equal(dwellAt(items, 8000, 6001).item, 2);
  assert.deepEqual(dwellAt(items, 8000, 9000), {item: 2, progress: 1});
});

test('a stop with neither quote nor note has one item for its whole dwell', () => {
  const items = dwellItems({quotes: [], sources_differ: []});
  assert.deepEqual(items.map((i) => i.kind), ['none']);
  assert.equal(dwellAt(items, 1000, 500).item, 0);
});

test('the golden stops\' quotes are all in their dwell\'s items', () => {
  for (const stop of config.stops) assert.equal(dwellItems(stop).filter((i) => i.kind === 'quote').length, stop.quotes.length);
});

test('after the last stop: the end card in presentation mode, and a restart with ?loop=1', () => {
  assert.deepEqual(afterLast('present', false), {endCard: true, loop: false});
  assert.deepEqual(afterLast('present', true), {endCard: true, loop: true});
  assert.deepEqual(afterLast('page', true), {endCard: false, loop: true});
  assert.deepEqual(afterLast('page', undefined), {endCard: false, loop: false});
});
