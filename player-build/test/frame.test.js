import assert from 'node:assert/strict';
import {test} from 'node:test';
import {layoutLabels} from '../src/player/collide.js';
import {frameItems, frameKey, nearestFirst} from '../src/player/frame.js';
import {labelItems} from '../src/player/labels.js';

const frame = {
  countries: [{id: 'ru', name: 'Russia', kind: 'country', points: [
    {position: [131, 52.8], minzoom: 0, maxzoom: 6.5}, {position: [137, 47.5], minzoom: 0, maxzoom: 6.5},
    {position: [130.7, 42.55], minzoom: 8.5, maxzoom: 24}]}],
  seas: [{id: 'sea-of-japan', name: 'Sea of Japan (East Sea)', kind: 'sea', points: [{position: [134.5, 40.5], minzoom: 0, maxzoom: 8}]}],
  scale_miles: false,
};

test('a name\'s points are the items of its zoom band, grouped by its id, countries first', () => {
  assert.deepEqual(frameItems(frame, 5).map((i) => [i.group, i.text, i.kind, i.position]),
                   [['ru', 'Russia', 'frame country', [131, 52.8]], ['ru', 'Russia', 'frame country', [137, 47.5]],
                    ['sea-of-japan', 'Sea of Japan (East Sea)', 'frame sea', [134.5, 40.5]]]);
  assert.deepEqual(frameItems(frame, 10.5).map((i) => i.position), [[130.7, 42.55]]);
  assert.deepEqual(frameItems(frame, 8.2), []);   // [minzoom, maxzoom): the sea's band ends at 8
  assert.deepEqual(frameItems(null, 5), []);
});

test('the key changes exactly when the bands in use change', () => {
  assert.equal(frameKey(frame, 4), frameKey(frame, 6));
  assert.notEqual(frameKey(frame, 6), frameKey(frame, 7));
  assert.notEqual(frameKey(frame, 7.9), frameKey(frame, 8));
});

const label = (group, x, y) => ({item: {group}, group, x, y, w: 60, h: 16, sides: ['below'], gap: -8, must: false});

test('a name\'s points on the map are tried nearest the centre first; names without a group keep their place', () => {
  const far = label('ru', 50, 50);
  const near = label('ru', 300, 220);
  const off = label('ru', 400, 300);      // nearer still, but off the map (400 x 300, a 24 px margin)
  const stop = Object.assign(label(undefined, 390, 290), {item: {}});
  const sea = label('sea', 10, 280);      // its only point off the map
  assert.deepEqual(nearestFirst([far, stop, near, off, sea], 400, 300, 24), [near, stop, far]);
});

test('a name is written once: at its nearest point that fits, else at the next', () => {
  const near = label('ru', 200, 150);
  const next = label('ru', 100, 60);
  assert.deepEqual(layoutLabels([near, next], 400, 300, []).map((b) => !!b), [true, false]);
  // The nearest point is under an obstacle (the stop's name): the name goes to the next point.
  const placed = layoutLabels([near, next], 400, 300, [{x: 150, y: 130, w: 100, h: 40}]);
  assert.deepEqual(placed.map((b) => !!b), [false, true]);
  assert.deepEqual(placed[1].box, {x: 70, y: 52, w: 60, h: 16});
});

test('frame names are placed after the stops and before the towns, centred on their point', () => {
  const groups = {singles: [{index: 0, name: 'Khasan', position: [130.6, 42.4]}], clusters: []};
  const towns = [{geometry: {coordinates: [0, 0]}, properties: {name: 'Town'}}];
  const items = labelItems(towns, groups, 0, frameItems(frame, 10.5));
  assert.deepEqual(items.map((i) => i.text), ['Khasan', 'Russia', 'Town']);
  assert.equal(items[1].centred, true);
  assert.equal(items[1].must, false);
});
