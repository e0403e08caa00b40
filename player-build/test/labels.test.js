import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CELL_HEIGHT, CELL_WIDTH, isOnScreen, labelItems, labelTransform, placeStopLabels} from '../src/player/labels.js';
import {OVERVIEW} from '../src/player/state.js';
import {golden} from './golden.js';

const config = golden();
// A flat viewport: a stop's position is its pixel position.
const flat = (width, height) => ({width, height, project: ([x, y]) => [x, y]});
const stop = (index, x, y, name) => ({index, id: 's' + index, name: name || 'Stop' + index, position: [x, y]});

test('before the map is laid out every stop is returned, unplaced', () => {
  assert.equal(placeStopLabels(config.stops, 0, undefined), config.stops);
  assert.equal(placeStopLabels(config.stops, 0, flat(1, 600)), config.stops);
});

test('stops far apart all get a label on the right', () => {
  const stops = [stop(0, 100, 100), stop(1, 400, 300), stop(2, 100, 500)];
  const placed = placeStopLabels(stops, OVERVIEW, flat(800, 600));
  assert.deepEqual(placed.map((s) => s.id), ['s0', 's1', 's2']);
  assert.ok(placed.every((s) => s.labelSide === undefined));
});


test('of two stops on the same spot only one is labelled', () => {
  const stops = [stop(0, 200, 200), stop(1, 202, 201)];
  assert.deepEqual(placeStopLabels(stops, OVERVIEW, flat(800, 600)).map((s) => s.id), ['s0']);
});

test('the current stop wins a collision', () => {
  const stops = [stop(0, 200, 200), stop(1, 202, 201)];
  assert.deepEqual(placeStopLabels(stops, 1, flat(800, 600)).map((s) => s.id), ['s1']);
});

test('a label that would run off the right edge goes to the marker\'s left', () => {
  const stops = [stop(0, 780, 300, 'A long station name')];
  const [placed] = placeStopLabels(stops, OVERVIEW, flat(800, 600));
  assert.equal(placed.labelSide, 'left');
  assert.equal(stops[0].labelSide, undefined);   // the config's stop is not changed
});

test('a label with no room on either side stays on the right', () => {
  const [placed] = placeStopLabels([stop(0, 60, 300, 'A very very long station name indeed')], OVERVIEW, flat(120, 600));
  assert.equal(placed.labelSide, undefined);
});

test('stops one grid row apart both get labels', () => {
  const stops = [stop(0, 100, 100), stop(1, 100, 100 + CELL_HEIGHT * 2)];
  assert.equal(placeStopLabels(stops, OVERVIEW, flat(800, 600)).length, 2);
});

test('a long label blocks the cells it covers to its right', () => {
  const stops = [stop(0, 100, 100, 'Twenty characters!!!'), stop(1, 100 + CELL_WIDTH * 3, 100)];
  assert.deepEqual(placeStopLabels(stops, OVERVIEW, flat(800, 600)).map((s) => s.id), ['s0']);
});

test('the golden stops are placed through the viewport\'s projection', () => {
  const project = ([lon, lat]) => [(lon + 9.2) * 20000, (38.72 - lat) * 20000];
  const placed = placeStopLabels(config.stops, 0, {width: 1200, height: 800, project});
  assert.ok(placed.length >= 2 && placed[0].id === config.stops[0].id);
});

test('label items: places above their point, stops beside their marker, the current one marked', () => {
  const places = [{geometry: {coordinates: [1, 2]}, properties: {name: 'Lisboa'}}];
  const items = labelItems(places, [stop(0, 0, 0), Object.assign(stop(1, 5, 5), {labelSide: 'left'})], 1);
  assert.deepEqual(items.map((i) => [i.text, i.kind, i.side]),
                   [['Lisboa', 'place', 'above'], ['Stop0', 'stop', 'right'], ['Stop1', 'stop current', 'left']]);
});

test('label transforms put the text above, left or right of the point', () => {
  assert.equal(labelTransform('above', 10, 20), 'translate(10.0px, 10.0px) translate(-50%, -50%)');
  assert.equal(labelTransform('left', 10, 20), 'translate(-2.0px, 20.0px) translate(-100%, -50%)');
  assert.equal(labelTransform('right', 10, 20), 'translate(22.0px, 20.0px) translate(0, -50%)');
});

test('labels just off screen are still drawn, far off screen hidden', () => {
  assert.equal(isOnScreen(-200, 10, 800, 600), true);
  assert.equal(isOnScreen(-400, 10, 800, 600), false);
  assert.equal(isOnScreen(10, 700, 800, 600), false);
});
