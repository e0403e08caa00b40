import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CURRENT_RADIUS, MARKER_RADIUS, labelItems} from '../src/player/labels.js';
import {OVERVIEW} from '../src/player/state.js';

const stop = (index, name) => ({index, id: 's' + index, name: name || 'Stop' + index, position: [index, index]});
const place = (name) => ({geometry: {coordinates: [0, 0]}, properties: {name}});

test('the current stop is placed first and must show; the others and towns follow, in order', () => {
  const groups = {singles: [stop(0), stop(1), stop(2)], clusters: []};
  const items = labelItems([place('Town')], groups, 1);
  assert.deepEqual(items.map((i) => [i.text, i.kind, i.must]),
                   [['Stop1', 'stop current', true], ['Stop0', 'stop', false], ['Stop2', 'stop', false], ['Town', 'place', false]]);
  assert.equal(items[0].gap, CURRENT_RADIUS + 5);
  assert.equal(items[1].gap, MARKER_RADIUS + 5);
});

test('a cluster\'s label is its count, fixed on its circle', () => {
  const groups = {singles: [], clusters: [{position: [1, 2], members: [stop(0), stop(1), stop(2)], count: 3}]};
  const [item] = labelItems([], groups, OVERVIEW);
  assert.deepEqual([item.text, item.kind, item.fixed, item.position], ['3', 'cluster', true, [1, 2]]);
});
