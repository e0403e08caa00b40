import {readFileSync} from 'node:fs';
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CONFIG_VERSION, MAX_CONFIG_CHARS, Unusable, checkBasemap, checkConfig, checkRoute, parseConfigText,
  parseRenderedConfig} from '../src/player/config.js';
import {golden, goldenText} from './golden.js';

const fails = (fn, message) => assert.throws(fn, (error) => error instanceof Unusable && error.message.includes(message), message);

test('the golden config passes the check', () => {
  const c = golden();
  assert.equal(checkConfig(c), c);
  assert.equal(c.version, CONFIG_VERSION);
});

test('its inline route passes the route check', () => {
  const c = golden();
  assert.equal(checkRoute(c.data.route, c.stops), c.data.route);
});

test('a config from another version is a readable error', () => {
  fails(() => checkConfig(Object.assign(golden(), {version: 2})), 'config.version: expected 3');
});

test('not an object, no stops, a stop without a position', () => {
  fails(() => checkConfig([golden()]), 'config: expected an object');
  fails(() => checkConfig(Object.assign(golden(), {stops: []})), 'config.stops: expected a list of one or more stops');
  const c = golden();
  c.stops[2].position = 'Prazeres';
  fails(() => checkConfig(c), 'config.stops[2].position: expected [longitude, latitude]');
});

test('a stop\'s camera and dwell must arrive resolved', () => {
  const c = golden();
  c.stops[1].camera = null;
  fails(() => checkConfig(c), 'config.stops[1].camera');
  const d = golden();
  d.stops[0].dwell_seconds = null;
  fails(() => checkConfig(d), 'dwell_seconds');
});

test('a config without the interface words names the missing ones', () => {
  const c = golden();
  delete c.ui.next;
  fails(() => checkConfig(c), 'next missing');
  fails(() => checkConfig(Object.assign(golden(), {ui: null})), 'config.ui');
});

test('km labels are required', () => {
  const c = golden();
  delete c.story.total_km_label;
  fails(() => checkConfig(c), 'total_km_label');
});

test('a data path may not climb out of the served folder', () => {
  const c = golden();
  c.data.basemap = '../secrets.json';
  fails(() => checkConfig(c), 'config.data');
});

test('a route missing a leg or timestamps says so', () => {
  const c = golden();
  fails(() => checkRoute(Object.assign({}, c.data.route, {features: c.data.route.features.slice(1)}), c.stops),
        'expected one leg between each pair of stops (2), found 1');
  c.data.route.features[1].properties.timestamps = null;
  fails(() => checkRoute(c.data.route, c.stops), 'route.features[1].properties.timestamps');
});

test('a basemap with a bad geometry says where', () => {
  const land = {type: 'Feature', properties: {layer: 'land', minzoom: 0, maxzoom: 24}, geometry: {type: 'Polygon', coordinates: 'nope'}};
  fails(() => checkBasemap({type: 'FeatureCollection', features: [land]}), 'basemap.features[0].geometry.coordinates');
  fails(() => checkBasemap({type: 'FeatureCollection', features: {land: []}}), 'basemap: expected a GeoJSON FeatureCollection');
  const other = {type: 'Feature', properties: {layer: 'roads'}, geometry: null};
  const storymap = {box: {west: -10, south: 38, east: -9, north: 39}};
  assert.ok(checkBasemap({type: 'FeatureCollection', storymap, features: [other]}));
});

test('a basemap must say which box it covers: the reader\'s view is kept inside it', () => {
  const basemap = JSON.parse(readFileSync(new URL('../../tests/fixtures/geodata/lisbon-tram-28.basemap.geojson', import.meta.url), 'utf8'));
  assert.ok(checkBasemap(basemap));
  for (const box of [undefined, {west: 1, south: 2, east: 1, north: 3}, {west: 'a', south: 1, east: 2, north: 3},
    {west: 0, south: -89, east: 1, north: 3}]) {
    fails(() => checkBasemap(Object.assign({}, basemap, {storymap: {box}})), 'basemap.storymap.box');
  }
  fails(() => checkBasemap(Object.assign({}, basemap, {storymap: undefined})), 'basemap.storymap.box');
});

test('rendered config text: parsed, bounded, and JSON', () => {
  assert.equal(parseRenderedConfig({config: goldenText}).story.id, 'lisbon-tram-28');
  fails(() => parseRenderedConfig({config: 42}), 'the page sent no story config');
  fails(() => parseRenderedConfig(null), 'the page sent no story config');
  fails(() => parseConfigText(goldenText.slice(0, 50)), 'the story config is not valid JSON');
  fails(() => parseRenderedConfig({config: ' '.repeat(MAX_CONFIG_CHARS + 1)}), 'characters; the limit is 40,000,000');
});

test('a config without the frame, or with a frame name missing its points, is unusable with a reason', () => {
  const broken = golden();
  delete broken.frame;
  assert.throws(() => checkConfig(broken), /config\.frame: expected \{countries, seas, scale_miles\}/);
  broken.frame = {countries: [{id: 'ru', name: 'Russia', kind: 'country', points: [{position: [200, 0], minzoom: 0, maxzoom: 4}]}],
                  seas: [], scale_miles: false};
  assert.throws(() => checkConfig(broken), /config\.frame/);
  broken.frame.countries[0].points[0].position = [131, 52.8];
  assert.doesNotThrow(() => checkConfig(broken));
});
