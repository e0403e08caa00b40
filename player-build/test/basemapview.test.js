import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PIECE_VERTICES, basemapLevels, cellDegrees, levelAt, levelStarts, lineCells, linesInView, linesStale} from '../src/player/basemapview.js';

const feature = (layer, minzoom, maxzoom) => ({properties: {layer, minzoom, maxzoom}});

test('the level drawn is the finest whose first zoom is reached', () => {
  const starts = [0, 6, 8, 10];
  assert.deepEqual([0, 5.99, 6, 7.5, 8, 9.99, 10, 12].map((zoom) => levelAt(starts, zoom)), [0, 0, 1, 1, 2, 2, 3, 3]);
});

test('a basemap from before the pyramid has two levels, split at its detail zoom', () => {
  assert.deepEqual(levelStarts({storymap: {detail_minzoom: 8}}), [0, 8]);
  assert.deepEqual(levelStarts({storymap: {detail_minzoom: 8, level_minzooms: [0, 6, 8, 10]}}), [0, 6, 8, 10]);
});

test('each level draws the features whose zoom range holds its first zoom, made once', () => {
  const everywhere = feature('land', 0, 24);
  const coarseInside = feature('land', 0, 6);
  const fineInside = feature('land', 6, 24);
  const river = feature('river', 0, 8);
  const riverFine = feature('river', 8, 24);
  const label = feature('label', 0, 24);
  const levels = basemapLevels([everywhere, coarseInside, fineInside, river, riverFine, label], [0, 6, 8]);
  assert.deepEqual(levels[0].areas, [everywhere, coarseInside]);
  assert.deepEqual(levels[1].areas, [everywhere, fineInside]);
  assert.deepEqual(levels[0].lines, [river]);
  assert.deepEqual(levels[1].lines, [river]);
  assert.deepEqual(levels[2].lines, [riverFine]);
  assert.ok(levels.every((level) => !level.areas.includes(label) && !level.lines.includes(label)));
});

const line = (coordinates, layer = 'river') => ({properties: {layer}, geometry: {type: 'LineString', coordinates}});

test('a level\'s cells are half a 1400-px view wide at its finest zoom', () => {
  const starts = [0, 6, 8, 10];
  // 1400 px at zoom z span 1400 * 360 / (512 * 2^z) degrees of longitude.
  assert.deepEqual([0, 1, 2, 3].map((level) => cellDegrees(starts, level)),
                   [6, 8, 10, 11].map((zoom) => 700 * 360 / (512 * 2 ** zoom)));
});

test('lines are cut into pieces that share their ends, so no vertex and no gap is lost', () => {
  const long = Array.from({length: 100}, (_, i) => [130 + i * 0.001, 45]);
  const cells = lineCells([line(long), {properties: {layer: 'border'}, geometry: {type: 'MultiLineString', coordinates: [long.slice(0, 2), [[0, 0]]]}}], 1);
  const pieces = cells.flatMap((cell) => cell.pieces);
  const river = pieces.filter((p) => p.properties.layer === 'river').map((p) => p.geometry.coordinates);
  assert.ok(river.every((c) => c.length >= 2 && c.length <= PIECE_VERTICES));
  for (let i = 1; i < river.length; i += 1) assert.deepEqual(river[i][0], river[i - 1].at(-1));
  assert.deepEqual(river.flatMap((c, i) => (i ? c.slice(1) : c)), long);
  // A one-point line draws nothing and is left out.
  assert.equal(pieces.filter((p) => p.properties.layer === 'border').length, 1);
});

test('a frame draws the cells that meet its view, and the same array while they stay', () => {
  const west = line([[130, 45], [130.5, 45.2]]);
  const east = line([[140, 45], [140.5, 45.2]]);
  const cells = lineCells([west, east], 2);
  assert.equal(cells.length, 2);
  const first = linesInView(null, cells, [129, 44, 131, 46]);
  assert.deepEqual(first.data.map((p) => p.geometry.coordinates), [west.geometry.coordinates]);
  // The view moves within the same cells: nothing for deck.gl to pack again.
  assert.equal(linesInView(first, cells, [129.5, 44.5, 131.5, 46.5]), first);
  const both = linesInView(first, cells, [129, 44, 141, 46]);
  assert.notEqual(both, first);
  assert.equal(both.data.length, 2);
  assert.equal(linesInView(both, cells, [150, 44, 151, 46]).data.length, 0);
  // Before the map has a size every cell is drawn.
  assert.equal(linesInView(null, cells, null).data.length, 2);
});

test('a pan redraws the lines once it leaves what they were chosen for', () => {
  const view = (west, south, east, north) => ({getBounds: () => [west, south, east, north]});
  // The last cells were chosen for [129, 44, 131, 46] widened by a quarter view on every side.
  const state = {linesBounds: [128.5, 43.5, 131.5, 46.5]};
  assert.equal(linesStale(state, view(129.2, 44.2, 131.2, 46.2)), false);
  assert.equal(linesStale(state, view(129.6, 44, 131.6, 46)), true);
  assert.equal(linesStale(state, view(129, 43.4, 131, 45.4)), true);
  // Drawn before the map had a size: every move redraws; before any draw, nothing to redraw.
  assert.equal(linesStale({linesBounds: null}, view(0, 0, 1, 1)), true);
  assert.equal(linesStale({}, view(0, 0, 1, 1)), false);
});
