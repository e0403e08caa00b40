import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LOCATOR_DOT_PX, insetBox, locatorAspect, locatorProjection, ringsPath, viewBox} from '../src/player/locator.js';

const trip = [128, 42, 137, 52];

test('the trip fills the locator, centred, one scale for both axes', () => {
  const project = locatorProjection(trip, 100, 100, 0);
  const [x0, y0] = project([128, 52]);
  const [x1, y1] = project([137, 42]);
  const [cx, cy] = project([132.5, 47]);
  assert.ok(Math.abs(cx - 50) < 1e-9 && cy > 45 && cy < 55);    // Mercator: the middle latitude is not the middle
  assert.ok(y1 - y0 > x1 - x0);                                  // 10 degrees of latitude up here are longer than 9 of longitude
  assert.ok(Math.abs(y1 - y0 - 100) < 1e-9 && y0 >= 0 && x0 > 0); // the long side fills the frame
  assert.ok(Math.abs(locatorAspect(trip) - (y1 - y0) / (x1 - x0)) < 1e-9);
});

test('padding leaves room around the trip', () => {
  const [x, y] = locatorProjection(trip, 100, 100, 0.25)([128, 52]);
  assert.ok(x > 10 && y > 10);
});

test('a view much smaller than the trip is a dot at its centre; a larger one is its box', () => {
  const project = locatorProjection(trip, 120, 120, 0.3);
  const small = viewBox([[130.5, 42.6], [130.8, 42.6], [130.8, 42.3], [130.5, 42.3]], project);
  assert.equal(small.dot, true);
  assert.equal(small.w, LOCATOR_DOT_PX);
  const [sx, sy] = project([130.65, 42.45]);
  assert.ok(Math.abs(small.x + small.w / 2 - sx) < 0.5 && Math.abs(small.y + small.h / 2 - sy) < 0.5);
  const big = viewBox([[129, 50], [135, 50], [135, 44], [129, 44]], project);
  assert.equal(big.dot, false);
  assert.ok(big.w > 20 && big.h > 20);
});

test('rings become closed SVG paths, points closer than the step dropped', () => {
  const project = ([lon, lat]) => [lon, lat];
  assert.equal(ringsPath([[[0, 0], [10, 0], [10.2, 0], [10, 10], [0, 0]]], project, 1), 'M0.0 0.0L10.0 0.0L10.0 10.0L0.0 0.0Z');
  assert.equal(ringsPath([[[0, 0], [0.1, 0.1], [0.2, 0]]], project, 1), '');
});

test('the inset sits top right, and gives way to the stop and to a map too small for it', () => {
  assert.deepEqual(insetBox(900, 860, 136, 120, 8, 8, [450, 430], 40), {x: 756, y: 8, w: 136, h: 120});
  assert.equal(insetBox(900, 860, 136, 120, 8, 8, [800, 60], 40), null);     // the stop under it
  assert.equal(insetBox(390, 338, 136, 120, 8, 8, [195, 169], 40), null);    // a phone's map: too small for a wide inset
  assert.deepEqual(insetBox(390, 338, 88, 70, 8, 8, [195, 169], 40), {x: 294, y: 8, w: 88, h: 70});
});
