import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LEG_MS, MAX_OVERVIEW_ZOOM, MAX_ZOOM, STOP_ZOOM, boxBounds, constrain, ease, headPosition, legBounds, legCamera, lifted,
  legDuration, legTime, overviewView, stopView,
  tripBounds} from '../src/player/camera.js';
import {golden} from './golden.js';

const config = golden();
const legs = config.data.route.features;
const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test('the head is at the leg\'s start before it departs and at its end after it arrives', () => {
  const leg = legs[1];
  assert.deepEqual(headPosition(leg, -100), leg.geometry.coordinates[0]);
  assert.deepEqual(headPosition(leg, 1e9), leg.geometry.coordinates.at(-1));
});

test('the head is on a timestamped position at its time', () => {
  const leg = legs[1];
  const [lon, lat] = headPosition(leg, leg.properties.timestamps[1]);
  close(lon, leg.geometry.coordinates[1][0]);
  close(lat, leg.geometry.coordinates[1][1]);
});

test('the head moves linearly between timestamps', () => {
  const leg = legs[0];
  const [a, b] = leg.geometry.coordinates;
  const [t0, t1] = leg.properties.timestamps;
  const [lon, lat] = headPosition(leg, (t0 + t1) / 2);
  close(lon, (a[0] + b[0]) / 2);
  close(lat, (a[1] + b[1]) / 2);
});

test('the head follows the second segment of a bent leg by its own timestamps', () => {
  const leg = legs[1];
  const [, b, c] = leg.geometry.coordinates;
  const [, tb, tc] = leg.properties.timestamps;
  const [lon] = headPosition(leg, tb + (tc - tb) / 4);
  close(lon, b[0] + (c[0] - b[0]) / 4);
});

test('two positions at the same time do not divide by zero', () => {
  const leg = {geometry: {coordinates: [[0, 0], [1, 1], [2, 2]]}, properties: {timestamps: [0, 5, 5]}};
  assert.deepEqual(headPosition(leg, 5), [1, 1]);
  assert.ok(headPosition(leg, 4).every(Number.isFinite));
});

test('easing starts and ends at rest and passes the middle at the middle', () => {
  assert.equal(ease(0), 0);
  assert.equal(ease(1), 1);
  close(ease(0.5), 0.5);
  assert.ok(ease(0.1) < 0.1 && ease(0.9) > 0.9);
});

test('a leg\'s flight runs from its first to its last timestamp in LEG_MS', () => {
  const leg = legs[1];
  assert.deepEqual(legTime(leg, 0), {time: 1200, eased: 0, done: false});
  assert.deepEqual(legTime(leg, LEG_MS), {time: 3900, eased: 1, done: true});
  assert.equal(legTime(leg, LEG_MS * 3).done, true);
  assert.equal(legDuration(leg), 2700);
});

test('a stop\'s view is its resolved camera at its position', () => {
  const stop = config.stops[1];
  assert.deepEqual(stopView(stop), {longitude: stop.position[0], latitude: stop.position[1], zoom: stop.camera.zoom,
                                    pitch: stop.camera.pitch, bearing: stop.camera.bearing});
});

test('the trip\'s bounds hold every stop and every position of every leg', () => {
  const [west, south, east, north] = tripBounds(config.stops, legs);
  for (const [lon, lat] of [...config.stops.map((s) => s.position), ...legs.flatMap((l) => l.geometry.coordinates)]) {
    assert.ok(lon >= west && lon <= east && lat >= south && lat <= north);
  }
  assert.equal(west, -9.1696);
  assert.equal(east, -9.1302);
});

test('bounds of a long route do not overflow the stack', () => {
  const coordinates = Array.from({length: 300000}, (_, i) => [i / 3000 - 50, 10]);
  const [west, , east] = tripBounds([], [{geometry: {coordinates}}]);
  assert.equal(west, -50);
  assert.ok(east > 49);
});

test('the overview fits the trip with room for the legend, capped in zoom', () => {
  let seen = null;
  const fit = (width, height, box, padding) => { seen = {width, height, box, padding}; return {longitude: 1, latitude: 2, zoom: 15}; };
  const view = overviewView([-10, 30, 10, 40], {width: 1000, height: 600}, 120, fit);
  assert.deepEqual(view, {longitude: 1, latitude: 2, zoom: MAX_OVERVIEW_ZOOM, pitch: 0, bearing: 0});
  assert.deepEqual(seen.box, [[-10, 30], [10, 40]]);
  assert.deepEqual(seen.padding, {top: 50, right: 50, bottom: 170, left: 50});
});

test('the overview of a map not laid out yet assumes a usable size', () => {
  let seen = null;
  overviewView([-10, 30, 10, 40], {width: 0, height: 0}, 0, (width, height) => { seen = [width, height]; return {zoom: 3}; });
  assert.deepEqual(seen, [800, 600]);
});

test('a trip of one place is shown at a stop\'s zoom', () => {
  const view = overviewView([5, 45, 5, 45], {width: 800, height: 600}, 0, () => assert.fail('no fit for one point'));
  assert.deepEqual(view, {longitude: 5, latitude: 45, zoom: STOP_ZOOM, pitch: 0, bearing: 0});
});

test('every view carries the basemap\'s box and the zoom limits', () => {
  const basemap = {storymap: {box: {west: -10, south: 38, east: -8, north: 40}}};
  const bounds = boxBounds(basemap);
  assert.deepEqual(bounds, [[-10, 38], [-8, 40]]);
  const view = constrain({longitude: -9, latitude: 39, zoom: 5}, bounds);
  assert.deepEqual(view, {longitude: -9, latitude: 39, zoom: 5, maxBounds: bounds, maxZoom: MAX_ZOOM, minZoom: 0});
  assert.equal(MAX_ZOOM, 12);
});

test('a view is lifted by half the covered height, so its centre shows above the card', () => {
  // A flat viewport: one degree is ten pixels, y grows downwards as latitude falls.
  const viewportOf = (v) => ({width: 800, height: 600, unproject: ([x, y]) => [v.longitude + (x - 400) / 10, v.latitude - (y - 300) / 10]});
  const view = {longitude: 10, latitude: 50, zoom: 6};
  assert.deepEqual(lifted(view, 200, viewportOf), {longitude: 10, latitude: 40, zoom: 6});
  assert.equal(lifted(view, 0, viewportOf), view);
});

test('the camera follows the head: it departs from the reader\'s view and arrives with the train', () => {
  const from = {zoom: 11, pitch: 0, bearing: 0, offset: [0.5, -0.25]};
  const to = {zoom: 10, pitch: 30, bearing: 10};
  const start = legCamera([130, 42], 0, from, to, 6);
  assert.deepEqual([start.longitude, start.latitude, start.zoom], [130.5, 41.75, 11]);
  const middle = legCamera([131, 43], 0.5, from, to, 6);
  assert.deepEqual([middle.longitude, middle.latitude, middle.zoom], [131, 43, 6]);   // the drift is gone by half-way
  const end = legCamera([132, 44], 1, from, to, 6);
  assert.deepEqual([end.longitude, end.latitude, end.zoom, end.pitch, end.bearing], [132, 44, 10, 30, 10]);
  for (let p = 0.5; p <= 1; p += 0.05) {
    const view = legCamera([131.5, 43.5], p, from, to, 6);
    assert.deepEqual([view.longitude, view.latitude], [131.5, 43.5]);
  }
});

test('a leg\'s bounds hold its positions', () => {
  assert.deepEqual(legBounds(legs[1]), tripBounds([], [legs[1]]));
});
