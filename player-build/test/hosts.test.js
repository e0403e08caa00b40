import assert from 'node:assert/strict';
import {test} from 'node:test';
import {COMMAND_BURST, MAX_STOP_ID_CHARS, commandHandler, createBucket, readCommand} from '../src/player/hosts/commands.js';
import {frameHeight} from '../src/player/hosts/streamlit.js';
import {hashFor, startFromHash, stopFromHash, withStopHash, withStopParam} from '../src/player/url.js';
import {golden} from './golden.js';

const config = golden();
const stops = config.stops;

test('the export\'s hash holds the stop id', () => {
  assert.equal(stopFromHash('#stop=portas-do-sol'), 'portas-do-sol');
  assert.equal(stopFromHash(''), null);
  assert.equal(stopFromHash('#other=1'), null);
  assert.equal(hashFor('portas-do-sol'), '#stop=portas-do-sol');
  assert.equal(hashFor(null), null);
});

test('a stop id survives the hash round trip, whatever its characters', () => {
  for (const id of ['a b', 'ü&=#', 'komsomolsk-na-amure']) assert.equal(stopFromHash(hashFor(id)), id);
});

test('the page URL keeps its other parameters and sets or removes ?stop=', () => {
  assert.equal(withStopParam('https://app.example/?story=x', 'prazeres'), 'https://app.example/?story=x&stop=prazeres');
  assert.equal(withStopParam('https://app.example/?story=x&stop=prazeres', null), 'https://app.example/?story=x');
});

test('the documented commands are read, nothing else', () => {
  for (const type of ['storymap:play', 'storymap:pause', 'storymap:next', 'storymap:previous']) {
    assert.deepEqual(readCommand({type, extra: 'ignored'}, stops), {type});
  }
  for (const junk of [null, 'storymap:play', [], {type: 'storymap:render'}, {type: 'streamlit:render'}]) assert.equal(readCommand(junk, stops), null);
});

test('goto takes a known stop id, null for the overview, or a stop index', () => {
  assert.deepEqual(readCommand({type: 'storymap:goto', stop: 'prazeres'}, stops), {type: 'storymap:goto', index: 2});
  assert.deepEqual(readCommand({type: 'storymap:goto', stop: null}, stops), {type: 'storymap:goto', index: -1});
  assert.deepEqual(readCommand({type: 'storymap:goto', index: 1}, stops), {type: 'storymap:goto', index: 1});
});

test('goto with an unknown, empty, overlong or odd argument is ignored', () => {
  for (const stop of ['nowhere', '', 'x'.repeat(MAX_STOP_ID_CHARS + 1), 3, {}, []]) {
    assert.equal(readCommand({type: 'storymap:goto', stop}, stops), null, JSON.stringify(stop));
  }
  for (const index of [-1, 3, 1.5, '1']) assert.equal(readCommand({type: 'storymap:goto', index}, stops), null);
});

test('the token bucket passes a burst, then refills at its rate', () => {
  let now = 0;
  const bucket = createBucket(() => now);
  for (let i = 0; i < COMMAND_BURST; i += 1) { assert.equal(bucket.refill(), true); bucket.spend(); }
  assert.equal(bucket.refill(), false);
  now += 100;   // 20 per second: two more
  assert.equal(bucket.refill(), true);
  bucket.spend(); bucket.spend();
  assert.equal(bucket.refill(), false);
});

test('the command handler counts, applies and drops as documented', () => {
  const state = {ready: true, config, messages: {accepted: 0, ignored: 0, dropped: 0, refused: 0}};
  const calls = [];
  const player = {goTo: (i) => calls.push(['goTo', i]), setPlaying: (p) => calls.push(['play', p]), step: (d) => calls.push(['step', d])};
  const now = 0;
  const onCommand = commandHandler(state, player, () => now);
  onCommand({isTrusted: false, data: {type: 'storymap:next'}});
  onCommand({isTrusted: true, data: {type: 'storymap:render'}});
  onCommand({isTrusted: true, data: {type: 'storymap:goto', stop: 'prazeres'}});
  onCommand({isTrusted: true, data: {type: 'storymap:pause'}});
  assert.deepEqual(calls, [['goTo', 2], ['play', false]]);
  for (let i = 0; i < 100; i += 1) onCommand({isTrusted: true, data: {type: 'storymap:next'}});
  assert.deepEqual(state.messages, {accepted: 20, ignored: 2, dropped: 82, refused: 0});
  state.ready = false;
  onCommand({isTrusted: true, data: {type: 'storymap:next'}});
  assert.equal(state.messages.ignored, 3);
});

test('the Streamlit frame is one window of the page tall, never too short to use', () => {
  assert.equal(frameHeight(844), 844);
  assert.equal(frameHeight(719.6), 720);
  assert.equal(frameHeight(300), 420);          // a phone on its side: the page scrolls instead
  assert.equal(frameHeight(undefined), 720);    // no window height to read
  assert.equal(frameHeight(0), 720);
});

test('an export started as a kiosk reads its mode, autoplay and loop from the hash', () => {
  assert.deepEqual(startFromHash('#mode=present&loop=1'), {mode: 'present', loop: true, autoplay: true});
  assert.deepEqual(startFromHash('#mode=present&autoplay=1&stop=khasan'), {mode: 'present', loop: false, autoplay: true});
  assert.deepEqual(startFromHash('#stop=khasan'), {mode: null, loop: false, autoplay: false});
  assert.deepEqual(startFromHash('#mode=embed&loop=yes'), {mode: null, loop: false, autoplay: false});
  assert.deepEqual(startFromHash(''), {mode: null, loop: false, autoplay: false});
});

test('stepping keeps how the export was started in its hash', () => {
  assert.equal(withStopHash('#mode=present&loop=1', 'khasan'), '#stop=khasan&mode=present&loop=1');
  assert.equal(withStopHash('#stop=khasan&mode=present&loop=1', null), '#mode=present&loop=1');
  assert.equal(withStopHash('#stop=khasan', 'vostochny'), '#stop=vostochny');
  assert.equal(withStopHash('#stop=khasan', null), null);
  assert.equal(withStopHash('#evil=1', 'a b'), '#stop=a+b');
  assert.equal(stopFromHash(withStopHash('', 'ü&=#')), 'ü&=#');
});
