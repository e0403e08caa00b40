import assert from 'node:assert/strict';
import {test} from 'node:test';
import * as fmt from '../src/player/format.js';
import {UI_KEYS} from '../src/player/config.js';
import {golden} from './golden.js';

const config = golden();
const ui = config.ui;

test('every word the player uses comes in the golden config', () => {
  for (const key of UI_KEYS) assert.equal(typeof ui[key], 'string', key);
});

test('placeholders are filled once; values are not scanned again', () => {
  assert.equal(fmt.fill('{count} stops', {count: 3}), '3 stops');
  assert.equal(fmt.fill('{name} and {other}', {name: '{other}'}), '{other} and {other}');
  assert.equal(fmt.fill('{name}', {name: '$&'}), '$&');
});

test('the counter says how many stops, then which one', () => {
  assert.equal(fmt.counterText(config, -1), '3 stops');
  assert.equal(fmt.counterText(config, 1), '2 / 3');
});

test('km come from Python\'s labels, never formatted here', () => {
  assert.equal(fmt.itinerarySummary(config), 'Itinerary: 3 stops, ' + config.story.total_km_label);
  assert.equal(fmt.stopWhen(config.stops[2]), config.stops[2].when_label + ' · ' + config.stops[2].km_label);
  assert.equal(fmt.stopWhenTravelled(config, config.stops[2]), config.stops[2].when_label + ' · ' + config.stops[2].km_label + ' travelled');
});

test('the overview lines read as before', () => {
  assert.equal(fmt.overviewWhen(config), '1 May 2024 · 3 stops · 4 km');
  assert.equal(fmt.overlayIntro(config), '1 May 2024 · 4 km · press → or Space to begin');
});

test('the live region announces the overview and each stop', () => {
  assert.equal(fmt.liveText(config, -1), 'Tram 28 across Lisbon: the whole trip');
  const stop = config.stops[0];
  assert.equal(fmt.liveText(config, 0), `${stop.name}, ${stop.date_label}, 1 of 3`);
});

test('the map\'s text alternative names the route and the current stop', () => {
  const first = config.stops[0].name;
  const last = config.stops[2].name;
  const tail = ' The text panel and itinerary give the same information.';
  assert.equal(fmt.mapLabel(config, -1), `Map of the route, 4 km, from ${first} to ${last}. Showing the whole trip.${tail}`);
  assert.equal(fmt.mapLabel(config, 2), `Map of the route, 4 km, from ${first} to ${last}. Current stop: ${last}, ${config.stops[2].date_label}.${tail}`);
});

test('buttons: start, next, play and pause', () => {
  assert.equal(fmt.nextLabel(ui, -1), 'Start the journey ▶');
  assert.equal(fmt.nextLabel(ui, 0), 'Next ▶');
  assert.equal(fmt.playLabel(ui, false), '▶ Play');
  assert.equal(fmt.playLabel(ui, true), '❚❚ Pause');
});

test('a quote is attributed to its speaker when there is one', () => {
  assert.equal(fmt.quotedBy(ui, {speaker: 'Ana'}), '— Ana, quoted by ');
  assert.equal(fmt.quotedBy(ui, {speaker: null}), '— ');
  assert.equal(fmt.quoteText({text: 'Hi'}), '“Hi”');
});

test('only http and https links are kept', () => {
  assert.equal(fmt.safeHttpUrl('https://example.org/a'), 'https://example.org/a');
  assert.equal(fmt.safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(fmt.safeHttpUrl('not a url'), null);
});

test('a failure says why, in the config\'s words, or in English before there is a config', () => {
  assert.equal(fmt.failureText(ui, 'route: expected x'), 'The map could not be drawn: route: expected x.');
  assert.equal(fmt.failureText(null, 'x'), 'The map could not be drawn: x.');
  assert.equal(fmt.failureReason(null, new Error('boom'), false), 'an unexpected error (boom)');
  assert.equal(fmt.failureReason(ui, new Error('config: expected'), true), 'config: expected');
});
