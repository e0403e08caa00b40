import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LABEL_GAP_PX, thinLabels} from '../src/player/timeline.js';

const days = (count, widthPx) => Array.from({length: count}, (_, i) => 0.03 * widthPx + (0.94 * widthPx * i) / (count - 1));
const neighboursApart = (xs, shown, width) => {
  const kept = xs.filter((x, i) => shown[i]);
  return kept.every((x, i) => i === 0 || x - kept[i - 1] >= width + LABEL_GAP_PX);
};

test('a week on a laptop shows every day', () => {
  const xs = days(7, 450);
  assert.deepEqual(thinLabels(xs, 40, 500), xs.map(() => true));
});

test('thirty days on a 320-px phone thin out evenly and never touch', () => {
  const xs = days(30, 300);
  const shown = thinLabels(xs, 40, 300);
  const kept = shown.filter(Boolean).length;
  assert.ok(kept >= 4 && kept <= 7, `${kept} labels`);
  assert.ok(shown[0]);
  assert.ok(neighboursApart(xs, shown, 40));
  const gaps = xs.map((x, i) => i).filter((i) => shown[i]);
  assert.ok(gaps.every((g, i) => i === 0 || g - gaps[i - 1] === gaps[1] - gaps[0]), 'an even rhythm');
});

test('thirty days at 1920 px show every other day at most', () => {
  const xs = days(30, 1100);
  const shown = thinLabels(xs, 40, 1100);
  assert.ok(neighboursApart(xs, shown, 40));
  assert.ok(shown.filter(Boolean).length >= 15);
});

test('a label that would run past the end is left out; one day is always shown', () => {
  assert.deepEqual(thinLabels([10, 100, 290], 40, 300), [true, true, false]);
  assert.deepEqual(thinLabels([10], 40, 300), [true]);
});
