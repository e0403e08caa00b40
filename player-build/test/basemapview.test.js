import assert from 'node:assert/strict';
import {test} from 'node:test';
import {basemapLevels, levelAt, levelStarts} from '../src/player/basemapview.js';

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
