// The config shape check: everything the player reads from the config, the route and the basemap is
// checked before the first element is made. A wrong shape is a readable failure (Unusable), never an
// exception in deck.gl's render loop (outside any handler) or a blank map. Extra fields are allowed.
// Pure: no DOM, importable by node.

export const CONFIG_VERSION = 3;                 // storymap/contract.py PLAYER_CONFIG_VERSION
export const MODES = ['page', 'present', 'embed'];
// A rendered config is text of at most this many characters: the story, and (when the geodata
// folder is not served) the route and basemap inline, each at most MAX_DATA_FILE_BYTES (16 MB,
// storymap/limits.py).
export const MAX_CONFIG_CHARS = 40_000_000;
// The ui keys the player itself uses (storymap/words.py UI): a config without one is unusable.
export const UI_KEYS = ['start', 'next', 'previous', 'play', 'pause', 'whole_trip', 'showing_whole_trip', 'current_stop',
  'map_label', 'story_navigation', 'timeline', 'no_quote', 'sources_differ', 'show_in_source', 'about_map',
  'route_travelled', 'route_ahead', 'stop_marker', 'rail_traced', 'story_as_text', 'cannot_draw', 'map', 'story',
  'stops_count', 'stop_counter', 'travelled', 'press_to_begin', 'overview_live', 'stop_live', 'itinerary',
  'map_same_info', 'quoted_by_prefix', 'unexpected_error', 'keys_title', 'keys_open', 'close', 'key_next', 'key_next_does',
  'key_previous', 'key_previous_does', 'key_first_last', 'key_first_last_does', 'key_play', 'key_play_does', 'key_help',
  'key_help_does', 'key_close', 'key_close_does',
  'zoom_hint', 'zoom_hint_mac', 'touch_hint', 'show_whole_trip', 'playing', 'paused', 'the_end', 'credits', 'border',
  'leg_traced', 'leg_straight'];

export const LEG_KINDS = ['traced', 'straight'];  // storymap/deck.py LEG_KINDS

export class Unusable extends Error {}

export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v) => typeof v === 'string';
const isOptionalText = (v) => v === null || v === undefined || isText(v);
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const isPositive = (v) => isNumber(v) && v > 0;
const isPosition = (v) => Array.isArray(v) && v.length >= 2 && v.length <= 3 && v.every(isNumber) &&
  Math.abs(v[0]) <= 180 && Math.abs(v[1]) <= 90;
const isListOf = (v, test) => Array.isArray(v) && v.every(test);
function expect(ok, where, what) { if (!ok) throw new Unusable(where + ': expected ' + what); }

// The geographic frame (frame.js, mapframe.js): names with label points, and the scale bar's words.
function checkFrame(c) {
  expect(['scale_km', 'scale_mi', 'scale_label', 'locator_label'].every((key) => isText(c.ui[key])), 'config.ui',
         "the scale bar's and the locator's words (scale_km, scale_mi, scale_label, locator_label)");
  const isPoint = (p) => isObject(p) && isPosition(p.position) && isNumber(p.minzoom) && isNumber(p.maxzoom);
  const isPlace = (p) => isObject(p) && isText(p.id) && isText(p.name) && isText(p.kind) && isListOf(p.points, isPoint);
  const f = c.frame;
  expect(isObject(f) && isListOf(f.countries, isPlace) && isListOf(f.seas, isPlace) && typeof f.scale_miles === 'boolean',
         'config.frame', '{countries, seas, scale_miles}: names with label points {position, minzoom, maxzoom}');
}

export function checkConfig(c) {
  expect(isObject(c), 'config', 'an object');
  expect(c.version === CONFIG_VERSION, 'config.version',
         String(CONFIG_VERSION) + ' (the player and the page are from different versions)');
  const s = c.story;
  expect(isObject(s) && isText(s.id) && s.id.length > 0 && isText(s.title), 'config.story', 'an id and a title');
  expect(isOptionalText(s.dek) && isOptionalText(s.byline) && isText(s.date_range_label) && isText(s.total_km_label),
         'config.story', 'text dek, byline, dates and total_km_label');
  expect(isNumber(s.total_km) && isNumber(s.end_seconds) && isPositive(s.dwell_seconds),
         'config.story', 'numbers for total_km, end_seconds and dwell_seconds');
  expect(isObject(c.ui) && UI_KEYS.every((key) => isText(c.ui[key])), 'config.ui',
         'an object with the text of every interface string (' + UI_KEYS.filter((key) => !isObject(c.ui) || !isText(c.ui[key])).join(', ') + ' missing)');
  expect(Array.isArray(c.stops) && c.stops.length > 0, 'config.stops', 'a list of one or more stops');
  c.stops.forEach((stop, i) => {
    const at = 'config.stops[' + i + ']';
    expect(isObject(stop) && stop.index === i, at, 'a stop with index ' + i);
    expect(isText(stop.id) && stop.id.length > 0, at + '.id', 'an id');
    for (const key of ['name', 'date_label', 'when_label', 'summary', 'km_label']) expect(isText(stop[key]), at + '.' + key, 'text');
    expect(stop.leg_distance === null || stop.leg_distance === undefined || (isObject(stop.leg_distance) && isText(stop.leg_distance.label)),
           at + '.leg_distance', 'null or {label}');
    expect(isOptionalText(stop.no_quote), at + '.no_quote', 'text or null');
    expect(isPosition(stop.position), at + '.position', '[longitude, latitude]');
    expect(isObject(stop.camera) && isNumber(stop.camera.zoom) && isNumber(stop.camera.pitch) && isNumber(stop.camera.bearing),
           at + '.camera', '{zoom, pitch, bearing} numbers');
    expect(isNumber(stop.km_so_far) && isNumber(stop.seconds) && isPositive(stop.dwell_seconds),
           at, 'numbers for km_so_far, seconds and dwell_seconds');
    expect(isListOf(stop.local_names, (n) => isObject(n) && isText(n.lang) && isText(n.name)), at + '.local_names',
           'a list of {lang, name}');
    expect(isListOf(stop.sources_differ, (n) => isObject(n) && isText(n.note)), at + '.sources_differ', 'a list of {note}');
    expect(isListOf(stop.quotes, (q) => isObject(q) && isText(q.text) && isText(q.attribution) && isOptionalText(q.source_url) &&
                    isOptionalText(q.speaker) && isOptionalText(q.context)),
           at + '.quotes', 'a list of quotes, each with text and attribution');
  });
  expect(isListOf(c.days, (d) => isObject(d) && isText(d.label) && isNumber(d.seconds)), 'config.days', 'a list of {label, seconds}');
  expect(isListOf(c.disagreements, (n) => isObject(n) && isText(n.note)), 'config.disagreements', 'a list of {note}');
  for (const key of ['map_credits', 'legend_notes']) expect(isListOf(c[key], isText), 'config.' + key, 'a list of text');
  expect(c.credits === null || isText(c.credits), 'config.credits', 'text or null');
  expect(isListOf(c.legend_legs, (k) => LEG_KINDS.includes(k)), 'config.legend_legs', 'a list of leg kinds (' + LEG_KINDS.join(', ') + ')');
  checkFrame(c);
  const isSource = (v) => (v !== null && typeof v === 'object') ||
    (typeof v === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,300}$/.test(v) && !v.includes('..'));
  expect(isObject(c.data) && isSource(c.data.route) && isSource(c.data.basemap),
         'config.data', 'a route and a basemap (inline, or a path on this server)');
  const st = c.start;
  expect(isObject(st) && MODES.includes(st.mode) && (st.stop === null || st.stop === undefined || isText(st.stop)) &&
         (st.autoplay === undefined || typeof st.autoplay === 'boolean') &&
         (st.dwell_override === null || st.dwell_override === undefined || isPositive(st.dwell_override)) &&
         (st.loop === undefined || typeof st.loop === 'boolean'),
         'config.start', '{stop, mode: ' + MODES.join(' | ') + ', autoplay, dwell_override, loop}');
  return c;
}

function checkFeatureCollection(data, name) {
  expect(isObject(data) && data.type === 'FeatureCollection' && Array.isArray(data.features),
         name, 'a GeoJSON FeatureCollection (an object with "type": "FeatureCollection" and a "features" list)');
}
const GEOMETRY = {
  Point: isPosition,
  LineString: (c) => Array.isArray(c) && c.length >= 2 && c.every(isPosition),
  MultiLineString: (c) => Array.isArray(c) && c.length >= 1 && c.every(GEOMETRY.LineString),
  Polygon: (c) => Array.isArray(c) && c.length >= 1 &&
    c.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition)),
  MultiPolygon: (c) => Array.isArray(c) && c.length >= 1 && c.every(GEOMETRY.Polygon),
};
function checkGeometry(geometry, types, where) {
  expect(isObject(geometry) && types.includes(geometry.type), where + '.geometry', 'a ' + types.join(' or '));
  expect(GEOMETRY[geometry.type](geometry.coordinates), where + '.geometry.coordinates',
         'the coordinates of a ' + geometry.type + ' ([longitude, latitude] positions)');
}

export function checkRoute(route, stops) {
  checkFeatureCollection(route, 'route');
  expect(route.features.length === stops.length - 1, 'route.features', 'one leg between each pair of stops (' +
         (stops.length - 1) + '), found ' + route.features.length);
  route.features.forEach((leg, i) => {
    const at = 'route.features[' + i + ']';
    expect(isObject(leg) && isObject(leg.properties), at, 'a Feature with properties');
    checkGeometry(leg.geometry, ['LineString'], at);
    const stamps = leg.properties.timestamps;
    expect(Array.isArray(stamps) && stamps.length === leg.geometry.coordinates.length && stamps.every(isNumber),
           at + '.properties.timestamps', 'one time in seconds per position of the leg');
  });
  return route;
}

// The basemap layers the player draws, and the geometry each must have; other layers are not drawn.
const BASEMAP_GEOMETRY = {land: ['Polygon', 'MultiPolygon'], lake: ['Polygon', 'MultiPolygon'],
                          river: ['LineString', 'MultiLineString'], border: ['LineString', 'MultiLineString'], label: ['Point']};
export function checkBasemap(basemap) {
  checkFeatureCollection(basemap, 'basemap');
  basemap.features.forEach((feature, i) => {
    const at = 'basemap.features[' + i + ']';
    expect(isObject(feature) && isObject(feature.properties) && typeof feature.properties.layer === 'string',
           at, 'a Feature with a "layer" property');
    const types = BASEMAP_GEOMETRY[feature.properties.layer];
    if (!types) return;
    expect(isNumber(feature.properties.minzoom) && isNumber(feature.properties.maxzoom),
           at + '.properties', 'numbers minzoom and maxzoom');
    checkGeometry(feature.geometry, types, at);
    if (feature.properties.layer === 'label') expect(isText(feature.properties.name), at + '.properties.name', 'text');
  });
  const box = isObject(basemap.storymap) ? basemap.storymap.box : null;
  expect(isObject(box) && ['west', 'south', 'east', 'north'].every((k) => isNumber(box[k])) && box.west < box.east &&
         box.south < box.north && Math.abs(box.south) <= 85 && Math.abs(box.north) <= 85,
         'basemap.storymap.box', '{west, south, east, north} with west < east and south < north (the map the reader may see)');
  return basemap;
}

// Before a config exists there are no words from Python: these messages stay in English.
export function parseConfigText(text) {
  let config;
  try { config = JSON.parse(text); } catch (error) { throw new Unusable('the story config is not valid JSON (' + error.message + ')'); }
  return checkConfig(config);
}

export function parseRenderedConfig(args) {
  const text = isObject(args) ? args.config : undefined;
  if (typeof text !== 'string') throw new Unusable('the page sent no story config (expected text)');
  if (text.length > MAX_CONFIG_CHARS) {
    throw new Unusable('the story config is ' + text.length.toLocaleString('en-US') + ' characters; the limit is ' +
                       MAX_CONFIG_CHARS.toLocaleString('en-US'));
  }
  return parseConfigText(text);
}
