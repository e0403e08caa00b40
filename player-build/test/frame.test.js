import assert from 'node:assert/strict';
import {test} from 'node:test';
import {frameItems, frameKey, nearestPerGroup} from '../src/player/frame.js';
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

const label = (group, x, y) => ({item: {group}, x, y});

test('of a name\'s points on the map, the one nearest the centre is laid out; names without a group all are', () => {
  const far = label('ru', 50, 50);
  const near = label('ru', 300, 220);
  const off = label('ru', 400, 300);      // nearer still, but off the map (400 x 300, a 24 px margin)
  const stop = {item: {}, x: 390, y: 290};
  const sea = label('sea', 30, 280);
  assert.deepEqual(nearestPerGroup([far, near, off, stop, sea], 400, 300, 24), [near, stop]);
  assert.deepEqual(nearestPerGroup([far], 400, 300, 24), [far]);
});

test('frame names are placed after the stops and before the towns, centred on their point', () => {
  const groups = {singles: [{index: 0, name: 'Khasan', position: [130.6, 42.4]}], clusters: []};
  const towns = [{geometry: {coordinates: [0, 0]}, properties: {name: 'Town'}}];
  const items = labelItems(towns, groups, 0, frameItems(frame, 10.5));
  assert.deepEqual(items.map((i) => i.text), ['Khasan', 'Russia', 'Town']);
  assert.equal(items[1].centred, true);
  assert.equal(items[1].must, false);
});
