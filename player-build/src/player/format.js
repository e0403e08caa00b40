// The player's words: every string comes from config.ui (storymap/words.py) or from the config's own
// labels (dates, km); this module only puts them together. Pure: no DOM, importable by node.
import {OVERVIEW} from './state.js';

// '{count} stops' with {count: 3} -> '3 stops'. An unknown placeholder stays as it is; a value is
// never scanned again (a stop named '{count}' stays '{count}').
export function fill(template, values) {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key) => (Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole));
}

export function playLabel(ui, playing) { return playing ? '❚❚ ' + ui.pause : '▶ ' + ui.play; }

export function nextLabel(ui, index) { return index === OVERVIEW ? ui.start : ui.next; }

export function counterText(config, index) {
  const count = config.stops.length;
  return index === OVERVIEW ? fill(config.ui.stops_count, {count}) : fill(config.ui.stop_counter, {number: index + 1, count});
}

export function stopAndDate(stop) { return stop.name + ' — ' + stop.date_label; }

export function itineraryEntry(stop) { return (stop.index + 1) + '. ' + stopAndDate(stop); }

export function dotLabel(stop) { return (stop.index + 1) + '. ' + stop.name + ', ' + stop.date_label; }

export function itinerarySummary(config) {
  return config.ui.itinerary + fill(config.ui.stops_count, {count: config.stops.length}) + ', ' + config.story.total_km_label;
}

export function overviewWhen(config) {
  return [config.story.date_range_label, fill(config.ui.stops_count, {count: config.stops.length}), config.story.total_km_label].join(' · ');
}

export function overlayIntro(config) {
  return [config.story.date_range_label, config.story.total_km_label, config.ui.press_to_begin].filter(Boolean).join(' · ');
}

export function stopWhen(stop) { return stop.when_label + ' · ' + stop.km_label; }

export function stopWhenTravelled(config, stop) {
  return stop.when_label + ' · ' + fill(config.ui.travelled, {km: stop.km_label});
}

export function liveText(config, index) {
  if (index === OVERVIEW) return fill(config.ui.overview_live, {title: config.story.title});
  const stop = config.stops[index];
  return fill(config.ui.stop_live, {number: index + 1, count: config.stops.length, name: stop.name, date: stop.date_label});
}

export function mapLabel(config, index) {
  const ui = config.ui;
  const stops = config.stops;
  let label = fill(ui.map_label, {km: config.story.total_km_label, first: stops[0].name, last: stops[stops.length - 1].name});
  label += index === OVERVIEW ? ui.showing_whole_trip : ui.current_stop + stops[index].name + ', ' + stops[index].date_label + '.';
  return label + ui.map_same_info;
}

export function quotedBy(ui, quote) { return '— ' + (quote.speaker ? fill(ui.quoted_by_prefix, {speaker: quote.speaker}) : ''); }

export function quoteText(quote) { return '“' + quote.text + '”'; }

export function tooltipText(stop) { return stop.name + '\n' + stop.date_label; }

// Before a config exists (it is not JSON, not an object...) there are no words from Python: English.
const FALLBACK = {cannot_draw: 'The map could not be drawn: ', unexpected_error: 'an unexpected error ({message})'};

export function failureReason(ui, error, expected) {
  if (expected) return error.message;
  return fill((ui || FALLBACK).unexpected_error, {message: String((error && error.message) || error)});
}

export function failureText(ui, reason) { return (ui || FALLBACK).cannot_draw + reason + '.'; }

export function safeHttpUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch (error) { return null; }
}
