import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CLUSTER_PX, EDGE_PX, SPACE_PX, anchorBox, clampBox, clusterStops, inside, layoutLabels, markerBox, overlaps} from '../src/player/collide.js';
import {OVERVIEW} from '../src/player/state.js';

const label = (x, y, w, extra) => Object.assign({x, y, w, h: 16, sides: ['right', 'left', 'above', 'below'], gap: 10, must: false}, extra);
const anyOverlap = (boxes) => boxes.some((a, i) => boxes.some((b, j) => i < j && overlaps(a, b)));

test('boxes that touch do not overlap; boxes that share a pixel do', () => {
  assert.equal(overlaps({x: 0, y: 0, w: 10, h: 10}, {x: 10, y: 0, w: 10, h: 10}), false);
  assert.equal(overlaps({x: 0, y: 0, w: 10, h: 10}, {x: 9, y: 9, w: 10, h: 10}), true);
});

test('a label near the right edge flips to the left of its point, never past the edge', () => {
  const [placed] = layoutLabels([label(780, 300, 120)], 800, 600, []);
  assert.equal(placed.side, 'left');
  assert.ok(inside(placed.box, 800, 600));
});

test('a label near the top or the left edge finds a side inside the map', () => {
  for (const [x, y] of [[2, 300], [400, 2], [400, 598], [798, 300]]) {
    const [placed] = layoutLabels([label(x, y, 60)], 800, 600, []);
    assert.ok(placed && inside(placed.box, 800, 600), `${x},${y}`);
  }
});

test('a label wider than the map is hidden, unless it must show: then it is pulled inside', () => {
  assert.deepEqual(layoutLabels([label(100, 100, 400)], 300, 200, []), [null]);
  const [placed] = layoutLabels([label(100, 100, 250, {must: true})], 300, 200, []);
  assert.ok(placed.box.x >= EDGE_PX && placed.box.x + placed.box.w <= 300 - EDGE_PX);
});

test('a label whose point is off the map is not shown', () => {
  assert.deepEqual(layoutLabels([label(-5, 100, 40), label(100, 700, 40, {must: true})], 800, 600, []), [null, null]);
});

test('piled-up labels never overlap: later ones take another side or are left out', () => {
  const labels = Array.from({length: 12}, (_, i) => label(300 + (i % 3) * 6, 300 + i * 4, 90));
  const placed = layoutLabels(labels, 800, 600, []).filter(Boolean).map((p) => p.box);
  assert.ok(placed.length >= 2 && placed.length < 12);
  assert.equal(anyOverlap(placed), false);
});

test('two names on one line keep a space between them', () => {
  const [a, b] = layoutLabels([label(100, 100, 60, {sides: ['right']}), label(100 + 60 + SPACE_PX - 1, 100, 60, {sides: ['right']})],
                              800, 600, []);
  assert.ok(a);
  assert.equal(b, null);
});

test('labels keep off markers', () => {
  const marker = markerBox(400, 300, 9);
  const [placed] = layoutLabels([label(365, 300, 40, {gap: 2, sides: ['right', 'above']})], 800, 600, [marker]);
  assert.equal(placed.side, 'above');
  assert.equal(overlaps(placed.box, marker), false);
});

test('the anchors put the box beside, above and below the point', () => {
  assert.deepEqual(anchorBox('right', 100, 100, 50, 20, 10), {x: 110, y: 90, w: 50, h: 20});
  assert.deepEqual(anchorBox('left', 100, 100, 50, 20, 10), {x: 40, y: 90, w: 50, h: 20});
  assert.deepEqual(anchorBox('above', 100, 100, 50, 20, 10), {x: 75, y: 70, w: 50, h: 20});
  assert.deepEqual(anchorBox('below', 100, 100, 50, 20, 10), {x: 75, y: 110, w: 50, h: 20});
  assert.deepEqual(clampBox({x: -20, y: 590, w: 50, h: 20}, 800, 600), {x: EDGE_PX, y: 600 - EDGE_PX - 20, w: 50, h: 20});
});

const flat = ([x, y]) => [x, y];
const stop = (index, x, y) => ({index, id: 's' + index, name: 'S' + index, position: [x, y]});

test('stops closer than CLUSTER_PX become one cluster with their count, at their mean position', () => {
  const stops = [stop(0, 100, 100), stop(1, 500, 100), stop(2, 505, 104), stop(3, 500 + CLUSTER_PX - 1, 100), stop(4, 800, 400)];
  const {singles, clusters} = clusterStops(stops, OVERVIEW, flat);
  assert.deepEqual(singles.map((s) => s.id), ['s0', 's4']);
  assert.equal(clusters.length, 1);
  assert.equal(clusters[0].count, 3);
  assert.deepEqual(clusters[0].members.map((s) => s.id), ['s1', 's2', 's3']);
  assert.ok(Math.abs(clusters[0].position[0] - (500 + 505 + 500 + CLUSTER_PX - 1) / 3) < 1e-9);
});

test('the current stop always stands alone', () => {
  const stops = [stop(0, 500, 100), stop(1, 502, 100), stop(2, 504, 100)];
  const {singles, clusters} = clusterStops(stops, 1, flat);
  assert.deepEqual(singles.map((s) => s.id), ['s1']);
  assert.deepEqual(clusters[0].members.map((s) => s.id), ['s0', 's2']);
});

test('stops far enough apart are all singles', () => {
  const stops = [stop(0, 0, 0), stop(1, CLUSTER_PX, 0)];
  assert.equal(clusterStops(stops, OVERVIEW, flat).clusters.length, 0);
});
