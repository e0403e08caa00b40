/* storymap player: the map, the chapter text, navigation and the animation, all in the browser.
 *
 * One file serves two hosts:
 * - inside Streamlit (a components.v1 iframe): the page sends the story as render args; the player
 *   keeps the top page's URL (?story=&stop=) in step with the reader, with no server rerun per step.
 *   Only that parent window, on the app's own origin, may talk to the player: a message from any
 *   other window (a page on another origin that frames or opens the app, another frame) is refused.
 * - standalone (the static export): the story is inline (a JSON <script id="storymap-config">),
 *   the stop is kept in location.hash (#stop=<id>), and a host page can drive it with postMessage:
 *   the documented commands only, with bounded arguments, rate-limited; none carries story content.
 * #storymap's data-state is the player's readiness: 'loading' | 'ready' | 'failed'. The whole start-up
 * runs inside one error handler: a config, route or basemap it cannot draw, or any exception, shows a
 * role=alert paragraph saying why (data-state 'failed'), never a blank frame.
 * Story text is only ever set with textContent: a quote containing <script> stays text.
 */
(function () {
  'use strict';

  const D = window.deckgl;
  const OVERVIEW = -1;
  const LEG_MS = 4000;            // one leg draws itself in this long
  const JUMP_MS = 900;            // camera move for a jump or a step back (no trail replay)
  const DETAIL_MINZOOM = 8;       // the basemap's detail layers start here
  const STOP_ZOOM = 11;
  const FRAME_HEIGHT = 720;
  // Route, markers and labels are drawn over the ground, never clipped by it when the map is pitched.
  const ON_TOP = {depthWriteEnabled: false, depthCompare: 'always'};
  const NO_DATA = [];
  const CONFIG_VERSION = 2;                 // storymap/deck.py PLAYER_CONFIG_VERSION
  const MODES = ['page', 'present', 'embed'];
  // A rendered config is text of at most this many characters: the story, and (when the geodata
  // folder is not served) the route and basemap inline, each at most MAX_DATA_FILE_BYTES (16 MB,
  // storymap/limits.py).
  const MAX_CONFIG_CHARS = 40_000_000;
  // The export's postMessage API: a stop id is at most this long (as MAX_QUERY_VALUE_CHARS in
  // storymap/limits.py), and at most COMMAND_BURST commands are applied at once, refilled at
  // COMMANDS_PER_SECOND; the rest of a flood is dropped unread.
  const MAX_STOP_ID_CHARS = 100;
  const COMMANDS_PER_SECOND = 20;
  const COMMAND_BURST = 20;

  const state = {
    config: null, route: null, basemap: null, index: OVERVIEW, playing: false, playTimer: null,
    time: 0, animation: null, viewState: null, zoom: 4, deck: null, host: 'standalone', mode: 'page',
    reducedMotion: window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches,
    frames: 0, els: {}, colors: {}, ready: false, failure: null, run: 0,
    messages: {accepted: 0, ignored: 0, dropped: 0, refused: 0},   // what became of each message received
    timings: {script: performance.now()},   // ms since this document started loading (for the benchmarks)
  };
  window.storymapState = state;   // read by the browser tests and the benchmarks

  // ---- small helpers ------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child) node.appendChild(child);
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }
  function color(name, alpha) {
    const hex = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
    const value = parseInt(hex.replace('#', '').padEnd(6, '0').slice(0, 6), 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255, alpha === undefined ? 255 : alpha];
  }
  function safeHttpUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch (error) { return null; }
  }
  function fmtKm(km) { return Math.round(km).toLocaleString('en-US') + ' km'; }

  // ---- hosts ----------------------------------------------------------------------------------
  function postToStreamlit(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
  }
  function setFrameHeight() {
    if (state.host !== 'streamlit') return;
    let height = FRAME_HEIGHT;
    if (state.mode === 'present') {
      try { height = window.parent.innerHeight; } catch (error) { height = window.innerHeight || FRAME_HEIGHT; }
    } else if (window.innerWidth <= 700) {
      height = Math.ceil(document.getElementById('storymap').scrollHeight);
    }
    postToStreamlit('streamlit:setFrameHeight', {height: height});
  }
  function currentStopId() { return state.index === OVERVIEW ? null : state.config.stops[state.index].id; }
  function syncUrl() {
    const stopId = currentStopId();
    if (state.host === 'streamlit') {
      try {  // same origin as the app: keep the reader's URL shareable without a server rerun
        const top = window.parent;
        const url = new URL(top.location.href);
        if (stopId) url.searchParams.set('stop', stopId); else url.searchParams.delete('stop');
        top.history.replaceState(top.history.state, '', url.toString());
      } catch (error) { /* a cross-origin embed: the URL cannot follow, the story still works */ }
    } else {
      const hash = stopId ? '#stop=' + encodeURIComponent(stopId) : ' ';
      history.replaceState(null, '', hash === ' ' ? location.pathname + location.search : hash);
      if (window.parent !== window) {
        window.parent.postMessage({type: 'storymap:stopchange', story: state.config.story.id, stop: stopId,
                                   index: state.index}, '*');
      }
    }
  }

  // ---- data -------------------------------------------------------------------------------------
  async function loadJson(source) {
    if (typeof source !== 'string') return source;                 // inline (the static export)
    const base = location.pathname.split('/component/')[0];          // the Streamlit app's base path
    const response = await fetch(base + '/' + source.replace(/^\/+/, ''), {credentials: 'same-origin'});
    if (!response.ok) throw new Unusable('could not load ' + source + ' (' + response.status + ')');
    try { return await response.json(); } catch (error) { throw new Unusable(source + ' is not valid JSON'); }
  }

  // ---- checks: what the player draws must be drawable --------------------------------------------
  // Everything the player reads from the config, the route and the basemap is checked before the
  // first element is made: a wrong shape is a readable failure, never an exception in deck.gl's
  // render loop (outside any handler) or a blank map. Extra fields are allowed.
  class Unusable extends Error {}
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isText = (v) => typeof v === 'string';
  const isOptionalText = (v) => v === null || v === undefined || isText(v);
  const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
  const isOptionalNumber = (v) => v === null || v === undefined || isNumber(v);
  const isPosition = (v) => Array.isArray(v) && v.length >= 2 && v.length <= 3 && v.every(isNumber) &&
    Math.abs(v[0]) <= 180 && Math.abs(v[1]) <= 90;
  const isListOf = (v, test) => Array.isArray(v) && v.every(test);
  function expect(ok, where, what) { if (!ok) throw new Unusable(where + ': expected ' + what); }

  function checkConfig(c) {
    expect(isObject(c), 'config', 'an object');
    expect(c.version === CONFIG_VERSION, 'config.version',
           String(CONFIG_VERSION) + ' (the player and the page are from different versions)');
    const s = c.story;
    expect(isObject(s) && isText(s.id) && s.id.length > 0 && isText(s.title), 'config.story', 'an id and a title');
    expect(isOptionalText(s.dek) && isOptionalText(s.byline) && isText(s.date_range_label), 'config.story', 'text dek, byline and dates');
    expect(isNumber(s.total_km) && isNumber(s.end_seconds) && isNumber(s.dwell_seconds) && s.dwell_seconds > 0,
           'config.story', 'numbers for total_km, end_seconds and dwell_seconds');
    expect(Array.isArray(c.stops) && c.stops.length > 0, 'config.stops', 'a list of one or more stops');
    c.stops.forEach((stop, i) => {
      const at = 'config.stops[' + i + ']';
      expect(isObject(stop) && stop.index === i, at, 'a stop with index ' + i);
      expect(isText(stop.id) && stop.id.length > 0, at + '.id', 'an id');
      for (const key of ['name', 'date_label', 'when_label', 'summary']) expect(isText(stop[key]), at + '.' + key, 'text');
      expect(isOptionalText(stop.no_quote), at + '.no_quote', 'text or null');
      expect(isPosition(stop.position), at + '.position', '[longitude, latitude]');
      expect(stop.camera === null || stop.camera === undefined ||
             (isObject(stop.camera) && isOptionalNumber(stop.camera.zoom) && isOptionalNumber(stop.camera.pitch) &&
              isOptionalNumber(stop.camera.bearing)), at + '.camera', 'null or {zoom, pitch, bearing} numbers');
      expect(isNumber(stop.km_so_far) && isNumber(stop.seconds) && isOptionalNumber(stop.dwell_seconds),
             at, 'numbers for km_so_far, seconds and dwell_seconds');
      expect(isListOf(stop.local_names, isText), at + '.local_names', 'a list of text');
      expect(isListOf(stop.sources_differ, (n) => isObject(n) && isText(n.note)), at + '.sources_differ', 'a list of {note}');
      expect(isListOf(stop.quotes, (q) => isObject(q) && isText(q.text) && isText(q.attribution) && isOptionalText(q.source_url) &&
                      isOptionalText(q.speaker) && isOptionalText(q.context) && isOptionalText(q.paragraph)),
             at + '.quotes', 'a list of quotes, each with text and attribution');
    });
    expect(isListOf(c.days, (d) => isObject(d) && isText(d.label) && isNumber(d.seconds)), 'config.days', 'a list of {label, seconds}');
    expect(isListOf(c.disagreements, (n) => isObject(n) && isText(n.note)), 'config.disagreements', 'a list of {note}');
    for (const key of ['map_credits', 'legend_notes']) expect(isListOf(c[key], isText), 'config.' + key, 'a list of text');
    expect(c.credits === null || isText(c.credits), 'config.credits', 'text or null');
    expect(typeof c.legend_rail_traced === 'boolean', 'config.legend_rail_traced', 'true or false');
    const isSource = (v) => (v !== null && typeof v === 'object') ||
      (typeof v === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,300}$/.test(v) && !v.includes('..'));
    expect(isObject(c.data) && isSource(c.data.route) && isSource(c.data.basemap),
           'config.data', 'a route and a basemap (inline, or a path on this server)');
    const st = c.start;
    expect(isObject(st) && MODES.includes(st.mode) && (st.stop === null || st.stop === undefined || isText(st.stop)) &&
           (st.autoplay === undefined || typeof st.autoplay === 'boolean') &&
           (st.dwell_override === null || st.dwell_override === undefined || (isNumber(st.dwell_override) && st.dwell_override > 0)),
           'config.start', '{stop, mode: ' + MODES.join(' | ') + ', autoplay, dwell_override}');
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

  function checkRoute(route, stops) {
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
  function checkBasemap(basemap) {
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
    return basemap;
  }

  function parseRenderedConfig(args) {
    const text = isObject(args) ? args.config : undefined;
    if (typeof text !== 'string') throw new Unusable('the page sent no story config (expected text)');
    if (text.length > MAX_CONFIG_CHARS) {
      throw new Unusable('the story config is ' + text.length.toLocaleString('en-US') + ' characters; the limit is ' +
                         MAX_CONFIG_CHARS.toLocaleString('en-US'));
    }
    let config;
    try { config = JSON.parse(text); } catch (error) { throw new Unusable('the story config is not valid JSON (' + error.message + ')'); }
    return checkConfig(config);
  }

  // ---- start-up, readiness and failure -----------------------------------------------------------
  // #storymap's data-state is the player's readiness: 'loading' until the first stop is drawn,
  // then 'ready'; 'failed' when start-up could not finish, with a role=alert paragraph saying why.
  function setReadiness(value) { document.getElementById('storymap').dataset.state = value; }

  function teardown() {
    cancelAnimation();
    clearTimeout(state.playTimer);
    state.playing = false;
    state.cameraMove = null;
    state.labelSet = null;
    state.ready = false;
    if (state.deck) {
      const deck = state.deck;
      state.deck = null;
      try { deck.finalize(); } catch (error) { /* a deck that failed half-way: nothing more to free */ }
    }
  }

  function showFailure(error, config) {
    teardown();
    const root = document.getElementById('storymap');
    const reason = error instanceof Unusable ? error.message : 'an unexpected error (' + String(error && error.message || error) + ')';
    const children = [el('p', {class: 'failure', role: 'alert', text: 'The map could not be drawn: ' + reason + '.'})];
    // The export has no other text version on screen: give the story as text (the page has its own).
    if (config && state.host === 'standalone') children.push(textVersion(config));
    root.replaceChildren(...children);
    root.style.display = 'block';       // one column: the alert above the text, never a blank map
    root.style.overflowY = 'auto';
    setReadiness('failed');
    state.failure = reason;
    setFrameHeight();
    if (!(error instanceof Unusable) && window.console) console.error(error);   // for whoever debugs the player
  }

  function textVersion(c) {
    const list = el('ol', {class: 'text-version'});
    for (const stop of c.stops) {
      const item = el('li', {}, el('h2', {text: stop.name}),
                      el('p', {class: 'when', text: stop.when_label + ' · ' + fmtKm(stop.km_so_far)}),
                      el('p', {class: 'summary', text: stop.summary}));
      for (const quote of stop.quotes) item.appendChild(renderQuote(quote, false));
      list.appendChild(item);
    }
    return el('section', {class: 'panel', 'aria-label': 'The story as text'}, el('h1', {text: c.story.title}), list);
  }

  // The whole start-up (checks, data, basemap, DOM, deck, first stop) runs inside this handler:
  // any exception is a readable failure, never a blank frame or an unhandled rejection.
  async function start(load) {
    const run = (state.run || 0) + 1;
    state.run = run;
    let config = null;
    try {
      teardown();
      state.failure = null;
      setReadiness('loading');
      const root = document.getElementById('storymap');
      root.style.display = '';
      root.style.overflowY = '';
      config = checkConfig(load());
      state.timings.config = performance.now();
      state.config = config;
      state.mode = config.start.mode || 'page';
      root.dataset.mode = state.mode;
      setFrameHeight();   // size the iframe before the first fit of the map, not after
      const [route, basemap] = await Promise.all([loadJson(config.data.route), loadJson(config.data.basemap)]);
      if (state.run !== run) return;   // a newer story arrived while this one loaded
      state.route = checkRoute(route, config.stops);
      state.basemap = checkBasemap(basemap);
      state.timings.data = performance.now();
      prepareBasemap();
      buildDom(root);
      buildDeck();
      if (state.host === 'standalone' && window.parent !== window) {  // a host page hears 'ready', then the first stop
        window.parent.postMessage({type: 'storymap:ready', story: config.story.id,
                                   stops: config.stops.map((s) => ({id: s.id, name: s.name}))}, '*');
      }
      const initial = config.start.stop ? config.stops.findIndex((s) => s.id === config.start.stop) : OVERVIEW;
      goTo(initial, {instant: true});
      state.ready = true;
      setReadiness('ready');
      state.timings.ready = performance.now();
      setFrameHeight();
      if (config.start.autoplay) setPlaying(true);
    } catch (error) {
      if (state.run === run) showFailure(error, config);
    }
  }

  // ---- DOM ----------------------------------------------------------------------------------------
  function buildDom(root) {
    const c = state.config;
    const els = state.els;
    root.replaceChildren();
    els.map = el('div', {class: 'map', role: 'img', tabindex: '0', 'aria-label': 'Map'});
    els.legend = buildLegend();
    els.map.appendChild(els.legend);
    els.overlay = el('div', {class: 'overlay', 'aria-live': 'polite'});
    els.map.appendChild(els.overlay);
    // Place and stop names are HTML over the canvas (the map's text alternative is the aria-label).
    els.labels = el('div', {class: 'map-labels', 'aria-hidden': 'true'});
    els.map.appendChild(els.labels);
    root.appendChild(els.map);

    const panel = el('section', {class: 'panel', 'aria-label': 'Story'});
    panel.appendChild(el('h1', {text: c.story.title}));
    if (c.story.dek) panel.appendChild(el('p', {class: 'dek', text: c.story.dek}));
    if (c.story.byline) panel.appendChild(el('p', {class: 'byline', text: c.story.byline}));

    els.prev = el('button', {type: 'button', text: '◀ Previous', 'aria-keyshortcuts': 'ArrowLeft PageUp', onclick: () => step(-1)});
    els.play = el('button', {type: 'button', text: '▶ Play', 'aria-keyshortcuts': 'Space', 'aria-pressed': 'false',
                             onclick: () => setPlaying(!state.playing)});
    els.next = el('button', {type: 'button', class: 'primary', text: 'Next ▶', 'aria-keyshortcuts': 'ArrowRight PageDown',
                             onclick: () => step(1)});
    els.counter = el('span', {class: 'counter', 'aria-live': 'off'});
    panel.appendChild(el('nav', {class: 'controls', 'aria-label': 'Story navigation'}, els.prev, els.play, els.next, els.counter));

    els.timeline = buildTimeline();
    panel.appendChild(els.timeline);
    els.chapter = el('article', {class: 'chapter', 'aria-live': 'polite'});
    panel.appendChild(els.chapter);

    const list = el('ol');
    els.itineraryButtons = c.stops.map((stop, index) => {
      const button = el('button', {type: 'button', onclick: () => goTo(index)},
                        el('span', {text: (index + 1) + '. ' + stop.name + ' — ' + stop.date_label}),
                        el('span', {class: 'km', text: fmtKm(stop.km_so_far)}));
      list.appendChild(el('li', {}, button));
      return button;
    });
    const itinerary = el('details', {class: 'itinerary', open: state.mode !== 'embed'},
                         el('summary', {text: 'Itinerary: ' + c.stops.length + ' stops, ' + fmtKm(c.story.total_km)}), list);
    panel.appendChild(itinerary);
    for (const note of c.disagreements) panel.appendChild(el('p', {class: 'note', text: 'Sources differ: ' + note.note}));
    panel.appendChild(el('p', {class: 'muted', text: [c.credits, ...c.map_credits].filter(Boolean).join(' · ')}));
    root.appendChild(panel);
    els.live = el('p', {class: 'sr-only', 'aria-live': 'assertive'});
    root.appendChild(els.live);
  }

  function buildLegend() {
    const c = state.config;
    const items = [
      ['swatch', 'var(--route-done)', 'Route travelled'],
      ['swatch', 'var(--route-ahead)', 'Route ahead'],
      ['dot', null, 'Stop (filled when reached)'],
    ];
    if (c.legend_rail_traced) items.splice(2, 0, ['swatch', 'repeating-linear-gradient(90deg, var(--route-ahead) 0 4px, transparent 4px 6px)',
                                                  'Rail legs: traced through towns on the line']);
    const list = el('ul');
    for (const [kind, colour, label] of items) {
      const mark = el('span', {class: kind});
      if (colour) mark.style.background = colour;
      list.appendChild(el('li', {}, mark, el('span', {text: label})));
    }
    const details = el('details', {class: 'legend-more'}, el('summary', {text: 'About this map'}),
                       el('p', {class: 'credits', text: c.legend_notes.join(' ')}),
                       el('p', {class: 'credits', text: c.map_credits.join(' · ')}));
    return el('div', {class: 'legend'}, list, details);
  }

  function buildTimeline() {
    // Percent positions (not a stretched viewBox) keep circles round and labels legible at any width.
    const c = state.config;
    const node = svg('svg', {class: 'timeline', role: 'group', 'aria-label': 'Timeline of the trip by day; choose a stop'});
    const span = Math.max(1, c.story.end_seconds);
    const x = (seconds) => (3 + 94 * (seconds / span)).toFixed(3) + '%';
    node.appendChild(svg('line', {class: 'axis', x1: '3%', x2: '97%', y1: 30, y2: 30}));
    for (const day of c.days) {
      if (day.seconds < 0 || day.seconds > span) continue;
      node.appendChild(svg('line', {class: 'day', x1: x(day.seconds), x2: x(day.seconds), y1: 20, y2: 40}));
      const label = svg('text', {class: 'day-label', x: x(day.seconds), y: 58, dx: 3});
      label.textContent = day.label;
      node.appendChild(label);
    }
    state.els.now = svg('line', {class: 'now', x1: '3%', x2: '3%', y1: 12, y2: 48});
    node.appendChild(state.els.now);
    state.els.timelineX = x;
    state.els.dots = c.stops.map((stop, index) => {
      const dot = svg('circle', {class: 'stop-dot', cx: x(stop.seconds), cy: 30, r: 8, tabindex: 0, role: 'button',
                                 'aria-label': (index + 1) + '. ' + stop.name + ', ' + stop.date_label});
      const title = svg('title', {});
      title.textContent = stop.name + ' — ' + stop.date_label;
      dot.appendChild(title);
      dot.addEventListener('click', () => goTo(index));
      dot.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); event.stopPropagation(); goTo(index); }
      });
      node.appendChild(dot);
      return dot;
    });
    return node;
  }

  function renderChapter() {
    const c = state.config;
    const els = state.els;
    const chapter = els.chapter;
    chapter.replaceChildren();
    els.overlay.replaceChildren();
    const atOverview = state.index === OVERVIEW;
    els.prev.disabled = atOverview;
    els.next.disabled = state.index === c.stops.length - 1;
    els.next.textContent = atOverview ? 'Start the journey ▶' : 'Next ▶';
    els.counter.textContent = atOverview ? c.stops.length + ' stops' : (state.index + 1) + ' / ' + c.stops.length;
    els.itineraryButtons.forEach((button, index) => {
      if (index === state.index) button.setAttribute('aria-current', 'step'); else button.removeAttribute('aria-current');
    });
    els.dots.forEach((dot, index) => {
      dot.classList.toggle('current', index === state.index);
      dot.classList.toggle('reached', index < state.index);
      if (index === state.index) dot.setAttribute('aria-current', 'step'); else dot.removeAttribute('aria-current');
    });
    if (atOverview) {
      chapter.appendChild(el('h2', {text: 'The whole trip'}));
      chapter.appendChild(el('p', {class: 'when', text: c.story.date_range_label + ' · ' + c.stops.length + ' stops · ' +
                                   fmtKm(c.story.total_km)}));
      const list = el('ol', {class: 'overview-stops'});
      for (const stop of c.stops) list.appendChild(el('li', {text: stop.name + ' — ' + stop.date_label}));
      chapter.appendChild(list);
      els.overlay.appendChild(el('h2', {text: c.story.title}));
      els.overlay.appendChild(el('p', {class: 'when', text: c.story.date_range_label + ' · ' + fmtKm(c.story.total_km) +
                                       ' · press → or Space to begin'}));
      els.live.textContent = c.story.title + ': overview of the whole trip.';
      updateMapLabel();
      return;
    }
    const stop = c.stops[state.index];
    chapter.appendChild(el('h2', {text: stop.name}));
    if (stop.local_names.length) chapter.appendChild(el('p', {class: 'local-names', text: stop.local_names.join(' · ')}));
    chapter.appendChild(el('p', {class: 'when', text: stop.when_label + ' · ' + fmtKm(stop.km_so_far) + ' travelled'}));
    chapter.appendChild(el('p', {class: 'summary', text: stop.summary}));
    for (const quote of stop.quotes) chapter.appendChild(renderQuote(quote, true));
    if (stop.no_quote) chapter.appendChild(el('p', {class: 'no-quote', text: 'No quote: ' + stop.no_quote}));
    for (const note of stop.sources_differ) chapter.appendChild(el('p', {class: 'note', text: 'Sources differ: ' + note.note}));

    els.overlay.appendChild(el('h2', {text: stop.name}));
    els.overlay.appendChild(el('p', {class: 'when', text: stop.when_label + ' · ' + fmtKm(stop.km_so_far)}));
    if (stop.quotes.length) els.overlay.appendChild(renderQuote(stop.quotes[0], false));
    els.live.textContent = 'Stop ' + (state.index + 1) + ' of ' + c.stops.length + ': ' + stop.name + ', ' + stop.date_label + '.';
    updateMapLabel();
  }

  function renderQuote(quote, withContext) {
    const attribution = el('footer', {});
    attribution.appendChild(document.createTextNode('— ' + (quote.speaker ? quote.speaker + ', quoted by ' : '')));
    const url = quote.source_url && safeHttpUrl(quote.source_url);
    if (url) attribution.appendChild(el('a', {href: url, target: '_blank', rel: 'noopener noreferrer', text: quote.attribution}));
    else attribution.appendChild(document.createTextNode(quote.attribution));
    const block = el('blockquote', {}, el('p', {text: '“' + quote.text + '”'}), attribution);
    if (quote.context) block.appendChild(el('p', {class: 'muted', text: quote.context}));
    if (withContext && quote.paragraph) {
      block.appendChild(el('details', {class: 'context'}, el('summary', {text: 'Show in the source paragraph'}),
                           el('p', {text: quote.paragraph})));
    }
    return block;
  }

  function updateMapLabel() {
    const c = state.config;
    const first = c.stops[0];
    const last = c.stops[c.stops.length - 1];
    let label = 'Map of the route, ' + fmtKm(c.story.total_km) + ', from ' + first.name + ' to ' + last.name + '. ';
    label += state.index === OVERVIEW ? 'Showing the whole trip.' :
      'Current stop: ' + c.stops[state.index].name + ', ' + c.stops[state.index].date_label + '.';
    state.els.map.setAttribute('aria-label', label + ' The text panel and itinerary give the same information.');
    const now = state.index === OVERVIEW ? 0 : c.stops[state.index].seconds;
    const x = state.els.timelineX(now);
    state.els.now.setAttribute('x1', x);
    state.els.now.setAttribute('x2', x);
  }

  // ---- the map ----------------------------------------------------------------------------------
  function readColors() {
    state.colors = {
      sea: color('--sea'), land: color('--land'), landEdge: color('--land-edge'), river: color('--river'),
      border: color('--border'), done: color('--route-done'), ahead: color('--route-ahead', 150),
      accent: color('--accent'), markerAhead: color('--marker-ahead'), text: color('--text'),
      halo: color('--bg', 220),
    };
  }

  function buildDeck() {
    readColors();
    state.els.map.style.background = 'var(--sea)';
    const overview = overviewViewState();
    state.viewState = overview;
    // Our own canvas, its drawing buffer already at the map's size: left to deck.gl, the first frame
    // is drawn on the browser's default 300 x 150 canvas, and resizing it afterwards stalled software
    // WebGL for over 2 s (bench/ section 1).
    const canvas = document.createElement('canvas');
    const box = state.els.map.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * window.devicePixelRatio));
    canvas.height = Math.max(1, Math.round(box.height * window.devicePixelRatio));
    canvas.style.cssText = 'position: absolute; left: 0; top: 0; width: 100%; height: 100%;';
    state.els.map.appendChild(canvas);
    state.deck = new D.Deck({
      canvas,
      views: new D.MapView({repeat: false}),
      initialViewState: overview,
      controller: {dragRotate: false, touchRotate: false, keyboard: false},
      onViewStateChange: ({viewState}) => {
        state.viewState = viewState;
        const changed = Math.abs(viewState.zoom - state.zoom) > 0.25;
        state.zoom = viewState.zoom;
        if (changed && !state.animation) redraw();
      },
      onAfterRender: () => {
        positionLabels();
        state.frames += 1;
        if (!state.timings.frame) { state.timings.frame = performance.now(); whenIdle(warmTrips); }
      },
      onLoad: () => redraw(),   // once the view has a size, place the labels for it
      getCursor: ({isHovering}) => (isHovering ? 'pointer' : 'grab'),
      getTooltip: ({object, layer}) => (layer && layer.id === 'stops' && object ? {text: object.name + '\n' + object.date_label} : null),
      layers: [],
    });
    redraw();
  }

  function overviewViewState() {
    const c = state.config;
    // Loops, not Math.min(...list): spreading a long route's positions overflows the call stack.
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
    const include = ([lon, lat]) => {
      west = Math.min(west, lon); east = Math.max(east, lon); south = Math.min(south, lat); north = Math.max(north, lat);
    };
    for (const stop of c.stops) include(stop.position);
    for (const leg of state.route.features) for (const position of leg.geometry.coordinates) include(position);
    const rect = state.els.map.getBoundingClientRect();
    const width = Math.max(320, rect.width || 800);
    const height = Math.max(240, rect.height || 600);
    if (west === east && south === north) {
      return {longitude: west, latitude: south, zoom: STOP_ZOOM, pitch: 0, bearing: 0};
    }
    const viewport = new D.WebMercatorViewport({width: width, height: height});
    // Leave room for the legend in the lower left so no stop hides under it.
    const legend = state.els.legend ? state.els.legend.getBoundingClientRect() : {height: 0, width: 0};
    const pad = Math.min(50, width / 10, height / 10);
    const bottom = Math.min(height / 3, pad + (legend.height || 0));
    const fitted = viewport.fitBounds([[west, south], [east, north]],
                                      {padding: {top: pad, right: pad, bottom: bottom, left: pad}});
    return {longitude: fitted.longitude, latitude: fitted.latitude, zoom: Math.min(fitted.zoom, 12), pitch: 0, bearing: 0};
  }

  function stopViewState(stop) {
    const camera = stop.camera || {};
    return {longitude: stop.position[0], latitude: stop.position[1], zoom: camera.zoom ?? STOP_ZOOM,
            pitch: camera.pitch ?? 0, bearing: camera.bearing ?? 0};
  }

  function flyTo(target, ms) {
    const duration = state.reducedMotion ? 0 : ms;
    // This move, until its transition ends (or is interrupted, or, if deck.gl starts none because the
    // view is already there, a moment after it would have ended). A later move replaces it.
    const move = duration > 0 ? {} : null;
    const settled = () => { if (state.cameraMove === move) { state.cameraMove = null; positionLabels(); } };
    state.cameraMove = move;
    state.deck.setProps({initialViewState: Object.assign({}, target, duration ? {
      transitionDuration: duration, transitionInterpolator: new D.FlyToInterpolator({speed: 1.4}),
      onTransitionEnd: settled, onTransitionInterrupt: settled,
    } : {})});
    if (move) setTimeout(settled, duration + 500);
    if (!duration) { state.viewState = target; state.zoom = target.zoom; }
    positionLabels();
  }

  function legPath(leg) { return leg.geometry.coordinates; }

  function headPosition(leg, time) {
    const stamps = leg.properties.timestamps;
    const path = legPath(leg);
    if (time <= stamps[0]) return path[0];
    for (let i = 1; i < stamps.length; i += 1) {
      if (time <= stamps[i]) {
        const f = (time - stamps[i - 1]) / Math.max(1e-9, stamps[i] - stamps[i - 1]);
        return [path[i - 1][0] + f * (path[i][0] - path[i - 1][0]), path[i - 1][1] + f * (path[i][1] - path[i - 1][1])];
      }
    }
    return path[path.length - 1];
  }

  // Layer data must keep its identity between frames: a new array makes deck.gl re-tessellate every
  // polygon and re-lay out every label, on every frame of a flight.
  function prepareBasemap() {
    const features = state.basemap.features;
    const areasOf = (list) => list.filter((f) => f.properties.layer === 'land' || f.properties.layer === 'lake');
    const linesOf = (list) => list.filter((f) => f.properties.layer === 'river' || f.properties.layer === 'border');
    const overview = features.filter((f) => f.properties.minzoom < DETAIL_MINZOOM);
    const detail = features.filter((f) => f.properties.minzoom >= DETAIL_MINZOOM || (f.properties.layer !== 'label' &&
      f.properties.minzoom < DETAIL_MINZOOM && f.properties.maxzoom > DETAIL_MINZOOM));
    state.bands = {
      overview: {areas: areasOf(overview), lines: linesOf(overview)},
      detail: {areas: areasOf(detail), lines: linesOf(detail)},
    };
    state.labelTiers = {};
    state.placed = null;
    state.travelled = null;
  }

  function placeLabels() {
    // Labels by the zoom tiers the basemap was built with; one array per tier, made once.
    let tier = 0;
    for (const f of state.basemap.features) {
      if (f.properties.layer === 'label' && f.properties.minzoom <= state.zoom) tier = Math.max(tier, f.properties.minzoom);
    }
    if (!state.labelTiers[tier]) {
      state.labelTiers[tier] = state.basemap.features.filter((f) => f.properties.layer === 'label' && f.properties.minzoom <= tier);
    }
    return state.labelTiers[tier];
  }

  function redraw() {
    if (!state.deck) return;
    const c = state.config;
    const colors = state.colors;
    const detail = state.zoom >= DETAIL_MINZOOM;
    const band = detail ? state.bands.detail : state.bands.overview;
    const areas = band.areas;
    const lines = band.lines;
    const labels = placeLabels();
    const animating = state.animation;
    const reachedLeg = animating ? animating.leg : state.index;   // legs [0, reachedLeg) are travelled
    const legs = state.route.features;
    const layers = [
      // No outlines: the detail windows are cut out of the coarse land, and outlines would show the seams.
      new D.GeoJsonLayer({id: 'areas-' + (detail ? 'detail' : 'overview'), data: areas, filled: true, stroked: false,
        getFillColor: (f) => (f.properties.layer === 'land' ? colors.land : colors.sea), pickable: false}),
      new D.GeoJsonLayer({id: 'lines', data: lines, stroked: true, filled: false,
        getLineColor: (f) => (f.properties.layer === 'river' ? colors.river : colors.border),
        getLineWidth: (f) => (f.properties.layer === 'river' ? 1.5 : 1.2), lineWidthUnits: 'pixels', pickable: false}),
      new D.PathLayer({id: 'route-ahead', parameters: ON_TOP, data: legs, getPath: legPath, getColor: colors.ahead, getWidth: 2,
        widthUnits: 'pixels', pickable: false}),
      new D.PathLayer({id: 'route-done', parameters: ON_TOP, data: travelled(reachedLeg), getPath: legPath,
        getColor: colors.done, getWidth: 4, widthUnits: 'pixels', capRounded: true, jointRounded: true, pickable: false}),
    ];
    if (!animating && state.tripsWarm) {
      layers.push(new D.TripsLayer({id: 'trip', parameters: ON_TOP, data: NO_DATA, getPath: legPath,
        getTimestamps: (d) => d.properties.timestamps}));
    }
    if (animating) {
      const leg = legs[animating.leg];
      const duration = leg.properties.timestamps[leg.properties.timestamps.length - 1] - leg.properties.timestamps[0];
      layers.push(new D.TripsLayer({id: 'trip', parameters: ON_TOP, data: [leg], getPath: legPath, getTimestamps: (d) => d.properties.timestamps,
        getColor: colors.done, currentTime: state.time, trailLength: Math.max(1, duration), fadeTrail: true,
        widthMinPixels: 5, capRounded: true, jointRounded: true, updateTriggers: {getPath: animating.leg}}));
      layers.push(new D.ScatterplotLayer({id: 'head', parameters: ON_TOP, data: [headPosition(leg, state.time)], getPosition: (d) => d,
        getRadius: 7, radiusUnits: 'pixels', billboard: true, getFillColor: colors.accent, getLineColor: colors.halo, lineWidthMinPixels: 2,
        stroked: true}));
    }
    layers.push(new D.ScatterplotLayer({id: 'stops', parameters: ON_TOP, data: c.stops, getPosition: (s) => s.position, pickable: true,
      radiusUnits: 'pixels', billboard: true, getRadius: (s) => (s.index === state.index ? 11 : 7), stroked: true, lineWidthUnits: 'pixels',
      getLineWidth: (s) => (s.index === state.index ? 3 : 2),
      getFillColor: (s) => (s.index <= state.index ? colors.accent : colors.markerAhead),
      getLineColor: (s) => (s.index === state.index ? colors.text : colors.accent),
      updateTriggers: {getRadius: state.index, getFillColor: state.index, getLineColor: state.index, getLineWidth: state.index},
      onClick: ({object}) => { if (object) goTo(object.index); }}));
    syncLabels(labels, labelledStops());
    state.deck.setProps({layers: layers});
  }

  // ---- labels ---------------------------------------------------------------------------------
  // Names are HTML, not a deck.gl TextLayer: the TextLayer's shader program was the slowest of the
  // map's to link (0.4-0.6 s under software WebGL; the map drawn 0.26 s sooner without it), and
  // the browser draws every script (Cyrillic, Korean) without a font atlas. Elements are made
  // when the set of names changes and moved after every frame deck.gl draws (pans and zooms).
  function syncLabels(places, stops) {
    const key = state.index;
    if (state.labelSet && state.labelSet.places === places && state.labelSet.stops === stops && state.labelSet.key === key) return;
    const items = [];
    for (const f of places) {
      items.push({position: f.geometry.coordinates, text: f.properties.name, kind: 'place', side: 'above'});
    }
    for (const s of stops) {
      items.push({position: s.position, text: s.name, kind: s.index === state.index ? 'stop current' : 'stop',
                  side: s.labelSide === 'left' ? 'left' : 'right'});
    }
    state.els.labels.replaceChildren(...items.map((item) => {
      item.node = el('span', {class: 'map-label ' + item.kind, text: item.text});
      return item.node;
    }));
    state.labelSet = {places: places, stops: stops, key: key, items: items};
    positionLabels();
  }

  function positionLabels() {
    if (!state.labelSet || !state.deck) return;
    let viewport;
    try { viewport = state.deck.getViewports()[0]; } catch (error) { return; }
    if (!viewport) return;
    // Hidden while the story moves the camera (a leg's flight or a jump's transition): where WebGL is
    // slow (software rendering) the browser can show the labels' new places before the canvas's
    // frame, and names would race ahead of the map. They fade back in when the camera is at rest.
    const moving = !!state.animation || !!state.cameraMove;
    state.els.labels.classList.toggle('moving', moving);
    if (moving) return;
    const width = viewport.width;
    const height = viewport.height;
    for (const item of state.labelSet.items) {
      const [x, y] = viewport.project(item.position);
      const inside = x > -300 && x < width + 300 && y > -40 && y < height + 40;
      item.node.style.visibility = inside ? '' : 'hidden';
      if (!inside) continue;
      if (item.side === 'above') item.node.style.transform = `translate(${x.toFixed(1)}px, ${(y - 10).toFixed(1)}px) translate(-50%, -50%)`;
      else if (item.side === 'left') item.node.style.transform = `translate(${(x - 12).toFixed(1)}px, ${y.toFixed(1)}px) translate(-100%, -50%)`;
      else item.node.style.transform = `translate(${(x + 12).toFixed(1)}px, ${y.toFixed(1)}px) translate(0, -50%)`;
    }
  }

  // The trail's layer is built, empty, once the first frame is up: its shader program then compiles
  // while the reader looks at the map, not when the first flight starts (a 0.3-0.9 s stall under
  // software WebGL, seen in a profile of the first flight). Same id, so the flight reuses it.
  function warmTrips() {
    state.tripsWarm = true;
    if (!state.animation) redraw();
  }
  function whenIdle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, {timeout: 2000});
    else setTimeout(callback, 200);
  }

  function travelled(reachedLeg) {
    if (!state.travelled || state.travelled.reached !== reachedLeg) {
      state.travelled = {reached: reachedLeg, legs: state.route.features.filter((leg, i) => i < reachedLeg)};
    }
    return state.travelled.legs;
  }

  function labelledStops() {
    // Placed for the view at rest; during a flight the last placement is kept (and its array with it).
    const key = state.index + ':' + Math.round(state.zoom * 4);
    if (state.animation && state.placed) return state.placed.stops;
    if (state.placed && state.placed.key === key) return state.placed.stops;
    const stops = placeStopLabels();
    if (stops !== state.config.stops) state.placed = {key: key, stops: stops};
    return stops;
  }

  function placeStopLabels() {
    // Greedy placement on a screen grid, current stop first, so clustered stops do not print over each other.
    const c = state.config;
    let viewports = [];
    try { viewports = state.deck ? state.deck.getViewports() : []; } catch (error) { /* not initialised yet */ }
    const viewport = viewports[0];
    if (!viewport || viewport.width < 2 || viewport.height < 2) return c.stops;   // not laid out yet
    const taken = new Set();
    const chosen = [];
    const order = c.stops.slice().sort((a, b) => (a.index === state.index ? -1 : b.index === state.index ? 1 : a.index - b.index));
    for (const stop of order) {
      const [px, py] = viewport.project(stop.position);
      // A label that would run off the map's right edge goes to the marker's left instead.
      const labelPx = stop.name.length * 8 + 16;
      const left = px + 12 + labelPx > viewport.width - 4 && px - 12 - labelPx >= 4;
      const width = Math.ceil(labelPx / 40);
      const cells = [];
      for (let dx = 0; dx < width; dx += 1) cells.push(Math.floor(px / 40 + (left ? -dx - 1 : dx)) + ':' + Math.floor(py / 22));
      cells.push(Math.floor(px / 40) + ':' + Math.floor(py / 22 + 0.5));
      if (cells.some((cell) => taken.has(cell))) continue;
      cells.forEach((cell) => taken.add(cell));
      chosen.push(left ? Object.assign({}, stop, {labelSide: 'left'}) : stop);
    }
    return chosen;
  }

  // ---- navigation and animation -------------------------------------------------------------
  function cancelAnimation() {
    if (state.animation) { cancelAnimationFrame(state.animation.frame); state.animation = null; }
  }

  function goTo(index, options) {
    const c = state.config;
    const opts = options || {};
    if (index < OVERVIEW || index >= c.stops.length || Number.isNaN(index)) return;
    const previous = state.index;
    cancelAnimation();
    clearTimeout(state.playTimer);
    state.index = index;
    renderChapter();
    syncUrl();
    if (index === OVERVIEW) {
      state.time = 0;
      flyTo(overviewViewState(), opts.instant ? 0 : JUMP_MS);
      redraw();
    } else if (index === previous + 1 && previous !== OVERVIEW && !opts.instant && !state.reducedMotion) {
      animateLeg(previous, index);
    } else {
      // Jumps and steps back cut to the stop: the trip is not replayed.
      state.time = c.stops[index].seconds;
      flyTo(stopViewState(c.stops[index]), opts.instant ? 0 : JUMP_MS);
      redraw();
      scheduleNext();
    }
  }

  function animateLeg(from, to) {
    const c = state.config;
    const leg = state.route.features[from];
    const stamps = leg.properties.timestamps;
    const t0 = stamps[0];
    const t1 = stamps[stamps.length - 1];
    const started = performance.now();
    flyTo(stopViewState(c.stops[to]), LEG_MS);
    const animation = {leg: from, frame: 0};
    state.animation = animation;
    const tick = (now) => {
      if (state.animation !== animation) return;
      const progress = Math.min(1, (now - started) / LEG_MS);
      const eased = progress < 0.5 ? 2 * progress * progress : 1 - Math.pow(-2 * progress + 2, 2) / 2;
      state.time = t0 + (t1 - t0) * eased;
      redraw();
      if (progress < 1) {
        animation.frame = requestAnimationFrame(tick);
      } else {
        state.animation = null;
        state.time = c.stops[to].seconds;
        redraw();
        scheduleNext();
      }
    };
    animation.frame = requestAnimationFrame(tick);
  }

  function step(delta) {
    const c = state.config;
    const target = Math.max(OVERVIEW, Math.min(c.stops.length - 1, state.index + delta));
    if (target !== state.index) goTo(target);
  }

  function dwellMs() {
    const c = state.config;
    const stop = state.index === OVERVIEW ? null : c.stops[state.index];
    const seconds = c.start.dwell_override || (stop && stop.dwell_seconds) || c.story.dwell_seconds;
    return seconds * 1000;
  }

  function scheduleNext() {
    clearTimeout(state.playTimer);
    if (!state.playing) return;
    if (state.index >= state.config.stops.length - 1) { setPlaying(false); return; }
    state.playTimer = setTimeout(() => step(1), dwellMs());
  }

  function setPlaying(playing) {
    state.playing = playing;
    state.els.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    state.els.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
    clearTimeout(state.playTimer);
    if (playing) {
      if (state.index >= state.config.stops.length - 1) goTo(OVERVIEW, {instant: true});
      if (!state.animation) state.playTimer = setTimeout(() => step(1), state.index === OVERVIEW ? 600 : dwellMs());
    }
  }

  function onKey(event) {
    if (!state.ready || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const key = event.key;
    if (key === 'ArrowRight' || key === 'PageDown') step(1);
    else if (key === 'ArrowLeft' || key === 'PageUp') step(-1);
    else if (key === 'Home') goTo(state.index === 0 ? OVERVIEW : 0);
    else if (key === 'End') goTo(state.config.stops.length - 1);
    else if (key === ' ' || key === 'Spacebar') {
      if (target && target.tagName === 'BUTTON') return;   // Space on a button presses that button
      setPlaying(!state.playing);
    } else return;
    event.preventDefault();
  }

  // ---- commands from a host page (static export, iframe embeds) -----------------------------
  // The documented commands only, with bounded arguments; each field is read once, and anything
  // else is ignored. No command carries story content: they move the reader, nothing more.
  function readCommand(data) {
    if (!isObject(data)) return null;
    const type = data.type;
    if (type === 'storymap:play' || type === 'storymap:pause' || type === 'storymap:next' || type === 'storymap:previous') {
      return {type: type};
    }
    if (type !== 'storymap:goto') return null;
    const stop = data.stop;
    if (stop === null) return {type: type, index: OVERVIEW};
    if (typeof stop === 'string') {
      if (stop.length === 0 || stop.length > MAX_STOP_ID_CHARS) return null;
      const index = state.config.stops.findIndex((s) => s.id === stop);
      return index >= 0 ? {type: type, index: index} : null;
    }
    if (stop !== undefined) return null;
    const index = data.index;
    return Number.isInteger(index) && index >= 0 && index < state.config.stops.length ? {type: type, index: index} : null;
  }

  // A token bucket: a host's clicks pass untouched; in a flood, once the bucket is empty, each
  // message costs one subtraction and is dropped unread.
  const bucket = {tokens: COMMAND_BURST, at: performance.now()};
  function refill() {
    const now = performance.now();
    bucket.tokens = Math.min(COMMAND_BURST, bucket.tokens + (now - bucket.at) * COMMANDS_PER_SECOND / 1000);
    bucket.at = now;
    return bucket.tokens >= 1;
  }

  function onCommand(event) {
    const counts = state.messages;
    if (!state.ready || !event.isTrusted) { counts.ignored += 1; return; }
    if (!refill()) { counts.dropped += 1; return; }
    let command = null;
    try { command = readCommand(event.data); } catch (error) { command = null; }
    if (!command) { counts.ignored += 1; return; }
    bucket.tokens -= 1;
    counts.accepted += 1;
    if (command.type === 'storymap:goto') goTo(command.index);
    else if (command.type === 'storymap:play') setPlaying(true);
    else if (command.type === 'storymap:pause') setPlaying(false);
    else if (command.type === 'storymap:next') step(1);
    else if (command.type === 'storymap:previous') step(-1);
  }

  // ---- boot -----------------------------------------------------------------------------------
  function applyTheme(theme) {
    if (!isObject(theme)) return;
    const root = document.documentElement;
    root.dataset.theme = theme.base === 'dark' ? 'dark' : 'light';
    const map = {backgroundColor: '--bg', textColor: '--text', primaryColor: '--accent'};
    for (const [key, name] of Object.entries(map)) {
      const value = theme[key];
      if (typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)) root.style.setProperty(name, value);
    }
    root.style.setProperty('--panel', 'var(--bg)');
  }

  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', () => {
    setFrameHeight();
    // The iframe often gets its final size just after the first fit: refit the whole-trip view.
    if (state.ready && state.deck && state.index === OVERVIEW && !state.animation) flyTo(overviewViewState(), 0);
  });

  const inline = document.getElementById('storymap-config');
  if (inline) {
    // The export: its own story, inline, read once (here, inside the start-up's error handler).
    // Messages from anywhere may only navigate it.
    state.host = 'standalone';
    window.addEventListener('message', onCommand);
    start(() => {
      let parsed;
      try {
        parsed = JSON.parse(inline.textContent);
      } catch (error) {
        throw new Unusable('the story config is not valid JSON (' + error.message + ')');
      }
      const config = checkConfig(parsed);
      const wanted = new URLSearchParams(location.hash.replace(/^#/, '')).get('stop');
      if (wanted && config.stops.some((s) => s.id === wanted)) config.start.stop = wanted;
      return config;
    });
  } else {
    // Inside Streamlit: only the app itself, the parent window on this same origin, may talk to the
    // player. Any other window holding a reference to the app (a frame or popup on another origin, or
    // another frame of the app) is refused before its message is read.
    state.host = 'streamlit';
    let renderedKey = null;
    const fromHost = (event) => event.isTrusted && window.parent !== window && event.source === window.parent &&
      event.origin === window.location.origin;
    window.addEventListener('message', (event) => {
      if (!fromHost(event)) { state.messages.refused += 1; return; }
      const data = event.data;
      if (!isObject(data) || data.type !== 'streamlit:render') { onCommand(event); return; }
      try { applyTheme(data.theme); } catch (error) { /* the theme is decoration: the story still shows */ }
      let config;
      try {
        config = parseRenderedConfig(data.args);
      } catch (error) {
        renderedKey = null;
        state.run = (state.run || 0) + 1;   // a start-up still loading must not replace this failure
        showFailure(error, null);
        return;
      }
      const key = config.story.id + '|' + config.start.mode + '|' + config.start.stop;
      // A rerun with the same story keeps the reader's place (unless the last start-up failed: try again).
      if (key === renderedKey && !state.failure) { setFrameHeight(); return; }
      renderedKey = key;
      start(() => config);
    });
    try {  // keyboard works even when focus is on the Streamlit page around the iframe
      if (window.parent !== window && window.parent.document) window.parent.document.addEventListener('keydown', onKey);
    } catch (error) { /* cross-origin parent */ }
    postToStreamlit('streamlit:componentReady', {apiVersion: 1});
  }
})();
