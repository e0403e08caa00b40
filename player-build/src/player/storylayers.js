// Story layers: the layers an author wrote in pydeck's terms (storymap/layers.py), as pydeck's JSON in
// config.layers (the story's, always drawn) and config.stops[i].layers (a stop's, faded in on arrival
// and out on leaving), turned into deck.gl layers by @deck.gl/json's JSONConverter. The converter
// knows only the allowed classes and compiles '@@=' accessors with our own tiny grammar (no eval, no
// Function: the export's CSP has no 'unsafe-eval', and an accessor is data, not a program). `D` is
// window.deckgl.
import {clock} from './clock.js';
import {el} from './dom.js';

// storymap/layers.py ALLOWED_LAYERS and src/deck-entry.js: the same list (test/storylayers.test.js).
export const ALLOWED_LAYERS = ['ArcLayer', 'ColumnLayer', 'GeoJsonLayer', 'HeatmapLayer', 'IconLayer', 'PathLayer',
  'PolygonLayer', 'ScatterplotLayer', 'TextLayer'];
export const FADE_MS = 600;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const TOKEN = /\s*(?:(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_$][A-Za-z0-9_$]*)|('[^'\\]*'|"[^"\\]*")|([.[\],]))/y;

// ---- accessors: a property path, a list of expressions, a literal, or '-' (the row) ----------------
function tokens(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (!text.slice(TOKEN.lastIndex).trim()) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m || TOKEN.lastIndex === start) throw new Error(`accessor '${text}' is outside the grammar`);
    if (m[1] !== undefined) out.push(['num', Number(m[1])]);
    else if (m[2] !== undefined) out.push(['name', m[2]]);
    else if (m[3] !== undefined) out.push(['str', m[3].slice(1, -1)]);
    else out.push(['punct', m[4]]);
  }
  return out;
}

function own(value, key) {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

// [node, next index]; a node is a function of the row.
function expression(toks, at, text) {
  const bad = () => new Error(`accessor '${text}' is outside the grammar`);
  const tok = toks[at];
  if (!tok) throw bad();
  const [kind, value] = tok;
  if (kind === 'num' || kind === 'str') return [() => value, at + 1];
  if (kind === 'name' && (value === 'true' || value === 'false' || value === 'null')) {
    const literal = value === 'null' ? null : value === 'true';
    return [() => literal, at + 1];
  }
  if (kind === 'punct' && value === '[') {
    const items = [];
    let next = at + 1;
    for (;;) {
      const [item, after] = expression(toks, next, text);
      items.push(item);
      next = after;
      if (toks[next] && toks[next][1] === ',') { next += 1; continue; }
      if (toks[next] && toks[next][1] === ']') return [(row) => items.map((f) => f(row)), next + 1];
      throw bad();
    }
  }
  if (kind === 'name' && !FORBIDDEN.has(value)) {
    const path = [value];
    let next = at + 1;
    while (toks[next] && (toks[next][1] === '.' || toks[next][1] === '[')) {
      if (toks[next][1] === '.') {
        const name = toks[next + 1];
        if (!name || name[0] !== 'name' || FORBIDDEN.has(name[1])) throw bad();
        path.push(name[1]);
        next += 2;
      } else {
        const index = toks[next + 1];
        if (!index || index[0] !== 'num' || !Number.isInteger(index[1]) || !toks[next + 2] || toks[next + 2][1] !== ']') throw bad();
        path.push(index[1]);
        next += 3;
      }
    }
    return [(row) => path.reduce(own, row), next];
  }
  throw bad();
}

// The converter's convertFunction: '@@=properties.color' arrives as 'properties.color'.
export function compileAccessor(text) {
  if (text.trim() === '-') return (row) => row;
  const toks = tokens(text);
  const [node, end] = expression(toks, 0, text);
  if (end !== toks.length) throw new Error(`accessor '${text}' is outside the grammar`);
  return node;
}

export function makeConverter(D) {
  const classes = {};
  for (const name of ALLOWED_LAYERS) classes[name] = D[name];
  const configuration = new D.JSONConfiguration({classes, functions: {}, constants: {}, enumerations: {},
                                                  convertFunction: compileAccessor});
  return new D.JSONConverter({configuration});
}

// ---- the layers, made once per story -------------------------------------------------------------
// The data stays out of the converter (it walks every value, and a string in a GeoJSON property must
// never become an accessor or a class): the layer is made without it, then cloned with it.
export function convertLayer(converter, layerJson) {
  const {data, ...props} = layerJson.deck;
  const made = converter.convert({layers: [props]});
  const layer = made && made.layers && made.layers[0];
  if (!layer) throw new Error(`story layer ${layerJson.id}: not a layer class the player draws`);
  return layer.clone({data});
}

export function prepareStoryLayers(D, config) {
  const converter = makeConverter(D);
  const entries = [];
  const add = (layerJson, stop) => {
    const opacity = typeof layerJson.deck.opacity === 'number' ? layerJson.deck.opacity : 1;
    entries.push({id: layerJson.id, stop, opacity, legend: layerJson.legend, layer: convertLayer(converter, layerJson)});
  };
  (config.layers || []).forEach((layerJson) => add(layerJson, null));
  config.stops.forEach((stop) => (stop.layers || []).forEach((layerJson) => add(layerJson, stop.index)));
  return {entries, fades: {}, frame: 0, legendKey: null};
}

// ---- fading ------------------------------------------------------------------------------------
// 1 for a layer that should be drawn now: the story's always, a stop's once the reader has arrived
// there (not while the train is still on its way).
export function targetOf(entry, index, moving) {
  if (entry.stop === null) return 1;
  return entry.stop === index && !moving ? 1 : 0;
}

// A fade's value at `now`; a fade is {from, to, start, ms}.
export function fadeValue(fade, now) {
  if (!fade.ms || now >= fade.start + fade.ms) return fade.to;
  const t = Math.max(0, (now - fade.start) / fade.ms);
  return fade.from + (fade.to - fade.from) * t;
}

// Each layer's fade moved towards its target; a changed target starts a new fade from where it is.
// Returns true while any fade is still running.
export function updateFades(fades, entries, index, moving, now, ms) {
  let running = false;
  for (const entry of entries) {
    const to = targetOf(entry, index, moving);
    const fade = fades[entry.id];
    if (!fade) fades[entry.id] = {from: to, to, start: now, ms: 0};
    else if (fade.to !== to) fades[entry.id] = {from: fadeValue(fade, now), to, start: now, ms};
    if (fadeValue(fades[entry.id], now) !== fades[entry.id].to) running = true;
  }
  return running;
}

// The layers as drawn now. Hidden ones stay in the list (visible: false) so deck.gl keeps their
// buffers: a stop revisited does not tessellate its GeoJSON again.
export function drawnLayers(store, now) {
  return store.entries.map((entry) => {
    const value = fadeValue(store.fades[entry.id], now);
    return entry.layer.clone({opacity: entry.opacity * value, visible: value > 0});
  });
}

// ---- the legend: one line per layer drawn now that has a legend entry --------------------------
export function legendItems(store, index, moving) {
  return store.entries.filter((entry) => entry.legend && targetOf(entry, index, moving) > 0).map((entry) => entry.legend);
}

const SHAPES = {area: 'swatch area', line: 'swatch', dot: 'dot layer'};

function rgba(color) {
  const [r, g, b, a] = color;
  return `rgba(${r}, ${g}, ${b}, ${a === undefined ? 1 : (a / 255).toFixed(3)})`;
}

function showLegend(state, items) {
  const legend = state.els.legend;
  if (!legend) return;
  let list = legend.querySelector('ul.legend-layers');
  if (!list) {
    list = el('ul', {class: 'legend-layers'});
    legend.insertBefore(list, legend.querySelector('details'));
  }
  list.replaceChildren(...items.map((item) => {
    const mark = el('span', {class: SHAPES[item.shape] || SHAPES.area});
    mark.style.background = rgba(item.color);
    return el('li', {}, mark, el('span', {text: item.label}));
  }));
  list.hidden = items.length === 0;
}

// ---- the hook in layers.js buildLayers -------------------------------------------------------------
// The story layers as they are drawn now (made on first use). While a fade runs, the next frames
// update only these layers' opacity in the deck's current list, so nothing else is rebuilt.
export function storyLayers(D, state) {
  const config = state.config;
  if (!config || (!(config.layers || []).length && !config.stops.some((s) => (s.layers || []).length))) return [];
  if (!state.storyLayers || state.storyLayers.config !== config) {
    state.storyLayers = Object.assign(prepareStoryLayers(D, config), {config});
  }
  const store = state.storyLayers;
  const moving = !!state.animation;
  const now = clock.now();
  const running = updateFades(store.fades, store.entries, state.index, moving, now, state.reducedMotion ? 0 : FADE_MS);
  const key = `${state.index}:${moving}`;
  if (store.legendKey !== key) { store.legendKey = key; showLegend(state, legendItems(store, state.index, moving)); }
  if (running && !store.frame) store.frame = clock.requestFrame(() => fadeFrame(state, store));
  return drawnLayers(store, now);
}

function fadeFrame(state, store) {
  store.frame = 0;
  if (!state.deck || state.storyLayers !== store) return;
  const now = clock.now();
  const byId = new Map(drawnLayers(store, now).map((layer) => [layer.id, layer]));
  state.deck.setProps({layers: state.deck.props.layers.map((layer) => byId.get(layer.id) || layer)});
  const running = store.entries.some((entry) => fadeValue(store.fades[entry.id], now) !== store.fades[entry.id].to);
  if (running) store.frame = clock.requestFrame(() => fadeFrame(state, store));
}
