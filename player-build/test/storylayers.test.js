import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import * as layers from '@deck.gl/layers';
import {HeatmapLayer} from '@deck.gl/aggregation-layers';
import {JSONConfiguration, JSONConverter} from '@deck.gl/json';
import {layerProps} from '../layer-props.mjs';
import {ALLOWED_LAYERS, compileAccessor, drawnLayers, fadeValue, legendItems, makeConverter, prepareStoryLayers,
  targetOf, updateFades} from '../src/player/storylayers.js';
import {golden} from './golden.js';

// What window.deckgl (deck-entry.js) gives the player, from the same packages.
const D = {...layers, HeatmapLayer, JSONConfiguration, JSONConverter};
const root = (path) => new URL('../../' + path, import.meta.url);

test('the allowed classes are those the bundle exports, storymap/layers.py lists and the props file covers', () => {
  const entry = readFileSync(new URL('../src/deck-entry.js', import.meta.url), 'utf8');
  const exported = new Set(entry.match(/\b[A-Z][A-Za-z]+Layer\b/g).filter((name) => name !== 'TripsLayer'));
  assert.deepEqual([...exported].sort(), ALLOWED_LAYERS);
  const python = readFileSync(root('storymap/layers.py'), 'utf8').match(/ALLOWED_LAYERS = \(([^)]*)\)/)[1];
  assert.deepEqual(python.match(/[A-Za-z]+Layer/g), ALLOWED_LAYERS);
  assert.equal(readFileSync(root('storymap/layer_props.json'), 'utf8'), layerProps(),
               'storymap/layer_props.json is stale: node layer-props.mjs');
});

test('accessors are paths, lists and literals, compiled without eval', () => {
  const row = {properties: {color: [1, 2, 3], name: 'a'}, coordinates: [10, 20], lon: 5, lat: 6};
  assert.deepEqual(compileAccessor('properties.color')(row), [1, 2, 3]);
  assert.deepEqual(compileAccessor('[lon, lat]')(row), [5, 6]);
  assert.equal(compileAccessor('coordinates[1]')(row), 20);
  assert.deepEqual(compileAccessor("[properties.name, 3, 'x', true, null]")(row), ['a', 3, 'x', true, null]);
  assert.equal(compileAccessor('-')(row), row);
  assert.equal(compileAccessor('properties.missing.deeper')(row), undefined);
  // Inherited properties are not data: no walking up to Object.prototype.
  assert.equal(compileAccessor('properties.toString')(row), undefined);
  for (const bad of ['Math.random()', 'lon + lat', 'constructor', 'a.__proto__', 'a[b]', '[lon, lat', 'lon lat', 'a.']) {
    assert.throws(() => compileAccessor(bad), /outside the grammar/, bad);
  }
});

test('the converter knows only the allowed classes and makes no functions', () => {
  const converter = makeConverter(D);
  const classes = converter.configuration.config.classes;
  assert.deepEqual(Object.keys(classes).filter((k) => classes[k]).sort(), ALLOWED_LAYERS);
  assert.deepEqual(converter.configuration.config.functions, {});
  const made = converter.convert({layers: [{'@@type': 'ScatterplotLayer', id: 'x', getPosition: '@@=[lon, lat]'}]});
  assert.ok(made.layers[0] instanceof layers.ScatterplotLayer);
  assert.deepEqual(made.layers[0].props.getPosition({lon: 1, lat: 2}), [1, 2]);
  assert.throws(() => makeConverter(D).convert({layers: [{'@@type': 'ScatterplotLayer', id: 'y', getRadius: '@@=alert(1)'}]}));
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(makeConverter(D).convert({layers: [{'@@type': 'TripsLayer', id: 'z'}]}).layers[0], null);
  } finally { console.warn = warn; }
});

test('the golden config\'s layers become deck.gl layers; their data never goes through the converter', () => {
  const config = golden();
  config.stops[1].layers[0].deck.data.features[0].properties.name = '@@=constructor';   // must stay text
  const store = prepareStoryLayers(D, config);
  assert.deepEqual(store.entries.map((e) => [e.id, e.stop, e.layer.constructor.name]), [
    ['storylayer-story-0', null, 'ScatterplotLayer'],
    ['storylayer-portas-do-sol-0', 1, 'GeoJsonLayer'],
    ['storylayer-prazeres-0', 2, 'IconLayer'],
  ]);
  const terrace = store.entries[1].layer;
  assert.equal(terrace.props.data.features[0].properties.name, '@@=constructor');
  assert.deepEqual(terrace.props.getFillColor(terrace.props.data.features[0]), [200, 80, 40, 160]);
  assert.equal(store.entries[1].opacity, 0.8);
  // An image is an async prop: deck.gl keeps what it was given until it has loaded it.
  const original = (props) => props[Object.getOwnPropertySymbols(props).find((s) => String(s).includes('asyncPropOriginal'))];
  assert.match(original(store.entries[2].layer.props).iconAtlas, /^data:image\/png;base64,/);
});

test('a stop layer fades in once the reader has arrived and out when they leave; story layers stay', () => {
  const store = prepareStoryLayers(D, golden());
  const [story, terrace] = store.entries;
  assert.equal(targetOf(story, -1, false), 1);
  assert.equal(targetOf(terrace, 1, true), 0, 'not while the train is still on its way');
  assert.equal(targetOf(terrace, 1, false), 1);
  assert.equal(updateFades(store.fades, store.entries, 0, false, 1000, 600), false, 'first sight: no fade');
  assert.deepEqual(drawnLayers(store, 1000).map((l) => [l.id, l.props.visible, l.props.opacity]),
                   [['storylayer-story-0', true, 1], ['storylayer-portas-do-sol-0', false, 0],
                    ['storylayer-prazeres-0', false, 0]]);
  assert.equal(updateFades(store.fades, store.entries, 1, false, 2000, 600), true);
  assert.equal(drawnLayers(store, 2300)[1].props.opacity, 0.8 * 0.5);
  assert.equal(drawnLayers(store, 2600)[1].props.opacity, 0.8);
  assert.equal(drawnLayers(store, 2600)[1].props.data, terrace.layer.props.data, 'the same data: nothing re-processed');
  // Leaving half-way through a fade-out's start: it fades from where it is.
  updateFades(store.fades, store.entries, 2, true, 3000, 600);
  assert.equal(fadeValue(store.fades[terrace.id], 3300), 0.5);
  // Reduced motion: a cut.
  updateFades(store.fades, store.entries, 1, false, 4000, 0);
  assert.equal(drawnLayers(store, 4000)[1].props.opacity, 0.8);
});

test('the legend lists the layers drawn at this stop', () => {
  const store = prepareStoryLayers(D, golden());
  assert.deepEqual(legendItems(store, 0, false).map((i) => i.label), ['Viewpoints (fixture)']);
  assert.deepEqual(legendItems(store, 1, false).map((i) => i.label), ['Viewpoints (fixture)', 'The terrace (approximate)']);
  assert.deepEqual(legendItems(store, 1, true).map((i) => i.label), ['Viewpoints (fixture)']);
});
