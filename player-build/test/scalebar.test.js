import assert from 'node:assert/strict';
import {test} from 'node:test';
import {EARTH_CIRCUMFERENCE_M, MILE_M, barBottom, lengthText, metresPerPixel, niceLength, scaleBars} from '../src/player/scalebar.js';

test('a pixel at zoom 0 on the equator is the circumference over 512 px, and halves per zoom level', () => {
  assert.ok(Math.abs(metresPerPixel(0, 0) - EARTH_CIRCUMFERENCE_M / 512) < 1e-6);
  assert.ok(Math.abs(metresPerPixel(11, 0) * 2 - metresPerPixel(10, 0)) < 1e-9);
});

test('Web Mercator scale follows cos(latitude): at 60N a pixel covers half the ground it does on the equator', () => {
  assert.ok(Math.abs(metresPerPixel(8, 60) / metresPerPixel(8, 0) - 0.5) < 1e-12);
});

test('round lengths are 1, 2 or 5 x 10^n, the largest not over the limit', () => {
  assert.deepEqual([0.7, 1, 1.9, 2, 4.99, 5, 9.9, 10, 37, 180, 420, 999].map(niceLength),
                   [0.5, 1, 1, 2, 2, 5, 5, 10, 20, 100, 200, 500]);
});

test('at Khasan (42.43N) at zoom 10.5 a 110 px bar is 2 km, drawn 50 px long', () => {
  const [km] = scaleBars(10.5, 42.43, 110);
  const perPx = EARTH_CIRCUMFERENCE_M * Math.cos(42.43 * Math.PI / 180) / (512 * Math.pow(2, 10.5));   // 39.9 m
  assert.equal(km.value, 2);
  assert.equal(km.unit, 'km');
  assert.ok(Math.abs(km.px - 2000 / perPx) < 1e-9 && km.px > 49 && km.px < 51, String(km.px));
});

test('each zoom level out doubles the ground per pixel: the bar steps 1, 2, 5 and never passes its limit', () => {
  const seen = [];
  for (let zoom = 12; zoom >= 3; zoom -= 0.5) {
    const [km] = scaleBars(zoom, 48, 110);
    assert.ok(km.px <= 110 + 1e-9 && km.px > 110 / 2.5, `zoom ${zoom}: ${km.value} km is ${km.px} px`);
    seen.push(km.value);
  }
  assert.deepEqual([...new Set(seen)], [1, 2, 5, 10, 20, 50, 100, 200, 500]);
});

test('the same zoom further north shows a longer bar for the same length (or a shorter length)', () => {
  const south = scaleBars(6, 42, 110)[0];
  const north = scaleBars(6, 52, 110)[0];
  assert.ok(north.value / north.px < south.value / south.px);
});

test('miles only when the story asks, each bar its own round length', () => {
  assert.deepEqual(scaleBars(8, 45, 110).map((b) => b.unit), ['km']);
  const [km, mi] = scaleBars(8, 45, 110, true);
  assert.equal(mi.unit, 'mi');
  assert.ok(Math.abs(mi.px / km.px - (mi.value * MILE_M) / (km.value * 1000)) < 1e-9);
  assert.ok(mi.px <= 110 && mi.value === niceLength(mi.value));
});

test('lengths are written as a reader expects', () => {
  assert.deepEqual([0.5, 2, 1000, 2000].map(lengthText), ['0.5', '2', '1,000', '2,000']);
});

const rect = (left, top, width, height) => ({left, top, width, height, right: left + width, bottom: top + height});

test('the bar keeps to the foot of the map unless the legend or the card is there; then it goes above it', () => {
  const map = rect(0, 0, 390, 338);
  const bar = {width: 90, height: 18};
  assert.equal(barBottom(map, bar, [], 8), 8);
  assert.equal(barBottom(rect(0, 0, 886, 900), bar, [rect(8, 780, 300, 110)], 8), 8);   // a wide screen's legend, on the left
  assert.equal(barBottom(map, bar, [rect(8, 265, 374, 65)], 8), 338 - 265 + 6); // a phone's legend spans the map
  assert.equal(barBottom(map, bar, [rect(8, 8, 374, 60)], 8), 8);               // presentation: the legend is at the top
  // The legend, then the quote card above it: the bar clears both.
  assert.equal(barBottom(map, bar, [rect(8, 300, 374, 30), rect(24, 150, 342, 140)], 8), 338 - 150 + 6);
});
