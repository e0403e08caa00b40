import assert from 'node:assert/strict';
import {test} from 'node:test';
import {JSONConfiguration, JSONConverter} from '@deck.gl/json';
import * as layers from '@deck.gl/layers';
import {HeatmapLayer} from '@deck.gl/aggregation-layers';
import {HOST_ID_PREFIX, HOST_LAYER_CLASSES, hostLayers, hostView, withHostLayers} from '../src/player/hostlayers.js';
import {renderKey, sameValue, startValue, stopValue} from '../src/player/hosts/component.js';
import {Unusable} from '../src/player/config.js';
import {golden} from './golden.js';

// The same classes the bundle exports (src/deck-entry.js), from the same packages.
const D = Object.assign({JSONConverter, JSONConfiguration, HeatmapLayer}, layers);

// What storymap.streamlit.layer_json writes for pdk.Layer("ScatterplotLayer", id="towns", data=df,
// get_position="[lon, lat]", get_radius=5, radius_units="'pixels'").
const towns = {'@@type': 'ScatterplotLayer', id: 'towns', data: [{lat: 43.8, lon: 131.96, query: 'Ussuriysk'}],
  getPosition: '@@=[lon, lat]', getRadius: 5, radiusUnits: 'pixels', stroked: true, filled: false};

test('pydeck\'s JSON becomes deck.gl layers, accessors parsed without eval', () => {
  const [layer] = hostLayers(D, [towns]);
  assert.ok(layer instanceof layers.ScatterplotLayer);
  assert.equal(layer.id, HOST_ID_PREFIX + 'towns');
  assert.equal(layer.props.radiusUnits, 'pixels');
  assert.deepEqual(layer.props.getPosition({lat: 43.8, lon: 131.96}), [131.96, 43.8]);
});

test('only the listed classes, and every one of them is in the bundle', () => {
  for (const name of HOST_LAYER_CLASSES) assert.equal(typeof D[name], 'function', name);
  assert.throws(() => hostLayers(D, [{'@@type': 'Deck'}]), (e) => e instanceof Unusable && /Deck is not one of/.test(e.message));
  assert.throws(() => hostLayers(D, [towns, {id: 'no-type'}]), /undefined is not one of/);
  assert.throws(() => hostLayers(D, 'layers'), Unusable);
  assert.deepEqual(hostLayers(D, undefined), []);
  assert.deepEqual(hostLayers(D, []), []);
});

test('host layers go over the basemap and under the route', () => {
  const ids = (list) => list.map((l) => l.id);
  const own = ['areas-overview', 'lines', 'route-ahead', 'stops'].map((id) => ({id}));
  assert.deepEqual(ids(withHostLayers(own, [{id: 'host-towns'}])), ['areas-overview', 'lines', 'host-towns', 'route-ahead', 'stops']);
  assert.equal(withHostLayers(own, []), own);
});

test('a host\'s whole-trip view is read as a pydeck ViewState', () => {
  assert.deepEqual(hostView({latitude: 45, longitude: 133, zoom: 4.5}), {latitude: 45, longitude: 133, zoom: 4.5, pitch: 0, bearing: 0});
  assert.equal(hostView(null), null);
  assert.throws(() => hostView({latitude: 'x', longitude: 1, zoom: 1}), Unusable);
});

test('a rerun with the same story is the same render, whatever its start, layers or view', () => {
  const config = golden();
  const rerun = Object.assign({}, config, {start: Object.assign({}, config.start, {stop: 'prazeres'}),
    host_layers: [towns], host_view: {latitude: 1, longitude: 2, zoom: 3}});
  assert.equal(renderKey(rerun), renderKey(config));
  const edited = Object.assign({}, config, {story: Object.assign({}, config.story, {title: 'Edited'})});
  assert.notEqual(renderKey(edited), renderKey(config));
  const presenting = Object.assign({}, config, {start: Object.assign({}, config.start, {mode: 'present'})});
  assert.notEqual(renderKey(presenting), renderKey(config));
});

test('the value sent back is the stop\'s index and id, and arriving at the start stop is no news', () => {
  const config = golden();
  assert.deepEqual(stopValue(config, 2), {index: 2, id: 'prazeres'});
  assert.deepEqual(stopValue(config, -1), {index: null, id: null});
  assert.deepEqual(startValue(config), {index: null, id: null});
  const deepLinked = Object.assign({}, config, {start: Object.assign({}, config.start, {stop: 'prazeres'})});
  assert.ok(sameValue(startValue(deepLinked), stopValue(deepLinked, 2)));
  assert.ok(!sameValue(startValue(config), stopValue(config, 0)));
});
