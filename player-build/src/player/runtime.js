// The player at run time: its one state object (window.storymapState), start-up, readiness and
// failure, the deck, and navigation and animation as state.js decides them. A host adapter
// (hosts/streamlit.js or hosts/standalone.js) supplies the config and keeps its URL in step.
import {Unusable, checkBasemap, checkConfig, checkRoute} from './config.js';
import {JUMP_MS, LEG_MS, legTime, overviewView, stopView, tripBounds} from './camera.js';
import {cssColor, el} from './dom.js';
import {failureReason, failureText, playLabel, tooltipText} from './format.js';
import {labelledStops, positionLabels, syncLabels} from './labels.js';
import {buildLayers, placeLabels, prepareBasemap} from './layers.js';
import * as machine from './state.js';
import {buildDom, helpIsOpen, openHelp, renderChapter, textVersion} from './views.js';

const {OVERVIEW} = machine;

export const state = {
  config: null, route: null, basemap: null, index: OVERVIEW, playing: false, playTimer: null,
  time: 0, animation: null, viewState: null, zoom: 4, deck: null, host: 'standalone', mode: 'page',
  reducedMotion: window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches,
  frames: 0, els: {}, colors: {}, ready: false, failure: null, run: 0,
  messages: {accepted: 0, ignored: 0, dropped: 0, refused: 0},   // what became of each message received
  timings: {script: performance.now()},   // ms since this document started loading (for the benchmarks)
};

// The host adapter: {name, syncUrl(stopId), setFrameHeight(), announceReady(config)}.
let host = {name: 'standalone', syncUrl() {}, setFrameHeight() {}, announceReady() {}};
export function useHost(adapter) { host = adapter; state.host = adapter.name; }
export function setFrameHeight() { host.setFrameHeight(); }

const D = () => window.deckgl;

// ---- data -------------------------------------------------------------------------------------
async function loadJson(source) {
  if (typeof source !== 'string') return source;                 // inline (the static export)
  const base = location.pathname.split('/component/')[0];          // the Streamlit app's base path
  const response = await fetch(base + '/' + source.replace(/^\/+/, ''), {credentials: 'same-origin'});
  if (!response.ok) throw new Unusable('could not load ' + source + ' (' + response.status + ')');
  try { return await response.json(); } catch (error) { throw new Unusable(source + ' is not valid JSON'); }
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

export function showFailure(error, config) {
  teardown();
  const root = document.getElementById('storymap');
  const ui = config ? config.ui : null;
  const reason = failureReason(ui, error, error instanceof Unusable);
  const children = [el('p', {class: 'failure', role: 'alert', text: failureText(ui, reason)})];
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

// The whole start-up (checks, data, basemap, DOM, deck, first stop) runs inside this handler:
// any exception is a readable failure, never a blank frame or an unhandled rejection.
export async function start(load) {
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
    prepareBasemap(state);
    buildDom(state, root, actions);
    buildDeck();
    host.announceReady(config);    // a host page hears 'ready', then the first stop
    goTo(machine.initialIndex(config), {instant: true});
    state.ready = true;
    setReadiness('ready');
    state.timings.ready = performance.now();
    setFrameHeight();
    if (config.start.autoplay) setPlaying(true);
  } catch (error) {
    if (state.run === run) showFailure(error, config);
  }
}

// ---- the map ----------------------------------------------------------------------------------
function readColors() {
  state.colors = {
    sea: cssColor('--sea'), land: cssColor('--land'), landEdge: cssColor('--land-edge'), river: cssColor('--river'),
    border: cssColor('--border'), done: cssColor('--route-done'), ahead: cssColor('--route-ahead', 150),
    accent: cssColor('--accent'), markerAhead: cssColor('--marker-ahead'), text: cssColor('--text'),
    halo: cssColor('--bg', 220),
  };
}

function whenIdle(callback) {
  if (window.requestIdleCallback) window.requestIdleCallback(callback, {timeout: 2000});
  else setTimeout(callback, 200);
}

function warmTrips() {
  state.tripsWarm = true;
  if (!state.animation) redraw();
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
  state.deck = new (D().Deck)({
    canvas,
    views: new (D().MapView)({repeat: false}),
    initialViewState: overview,
    controller: {dragRotate: false, touchRotate: false, keyboard: false},
    onViewStateChange: ({viewState}) => {
      state.viewState = viewState;
      const changed = Math.abs(viewState.zoom - state.zoom) > 0.25;
      state.zoom = viewState.zoom;
      if (changed && !state.animation) redraw();
    },
    onAfterRender: () => {
      positionLabels(state);
      state.frames += 1;
      if (!state.timings.frame) { state.timings.frame = performance.now(); whenIdle(warmTrips); }
    },
    onLoad: () => redraw(),   // once the view has a size, place the labels for it
    getCursor: ({isHovering}) => (isHovering ? 'pointer' : 'grab'),
    getTooltip: ({object, layer}) => (layer && layer.id === 'stops' && object ? {text: tooltipText(object)} : null),
    layers: [],
  });
  redraw();
}

export function overviewViewState() {
  const rect = state.els.map.getBoundingClientRect();
  const legend = state.els.legend ? state.els.legend.getBoundingClientRect() : {height: 0};
  const fit = (width, height, box, padding) => new (D().WebMercatorViewport)({width, height}).fitBounds(box, {padding});
  return overviewView(tripBounds(state.config.stops, state.route.features), rect, legend.height, fit);
}

function flyTo(target, ms) {
  const duration = state.reducedMotion ? 0 : ms;
  // This move, until its transition ends (or is interrupted, or, if deck.gl starts none because the
  // view is already there, a moment after it would have ended). A later move replaces it.
  const move = duration > 0 ? {} : null;
  const settled = () => { if (state.cameraMove === move) { state.cameraMove = null; positionLabels(state); } };
  state.cameraMove = move;
  state.deck.setProps({initialViewState: Object.assign({}, target, duration ? {
    transitionDuration: duration, transitionInterpolator: new (D().FlyToInterpolator)({speed: 1.4}),
    onTransitionEnd: settled, onTransitionInterrupt: settled,
  } : {})});
  if (move) setTimeout(settled, duration + 500);
  if (!duration) { state.viewState = target; state.zoom = target.zoom; }
  positionLabels(state);
}

function redraw() {
  if (!state.deck) return;
  const layers = buildLayers(D(), state, (index) => goTo(index));
  syncLabels(state, placeLabels(state), labelledStops(state));
  state.deck.setProps({layers: layers});
}

// ---- navigation and animation -------------------------------------------------------------
function cancelAnimation() {
  if (state.animation) { cancelAnimationFrame(state.animation.frame); state.animation = null; }
}

export function goTo(index, options) {
  const c = state.config;
  const opts = options || {};
  const move = machine.planMove(state.index, index, c.stops.length, {instant: opts.instant, reducedMotion: state.reducedMotion});
  if (!move) return;
  cancelAnimation();
  clearTimeout(state.playTimer);
  state.index = index;
  renderChapter(state);
  host.syncUrl(index === OVERVIEW ? null : c.stops[index].id, index);
  if (move.kind === 'overview') {
    state.time = 0;
    flyTo(overviewViewState(), move.instant ? 0 : JUMP_MS);
    redraw();
  } else if (move.kind === 'leg') {
    animateLeg(move.leg, index);
  } else {
    // Jumps and steps back cut to the stop: the trip is not replayed.
    state.time = c.stops[index].seconds;
    flyTo(stopView(c.stops[index]), move.instant ? 0 : JUMP_MS);
    redraw();
    scheduleNext();
  }
}

function animateLeg(from, to) {
  const c = state.config;
  const leg = state.route.features[from];
  const started = performance.now();
  flyTo(stopView(c.stops[to]), LEG_MS);
  const animation = {leg: from, frame: 0};
  state.animation = animation;
  const tick = (now) => {
    if (state.animation !== animation) return;
    const {time, done} = legTime(leg, now - started);
    state.time = time;
    redraw();
    if (!done) {
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

export function step(delta) {
  const target = machine.stepTarget(state.index, delta, state.config.stops.length);
  if (target !== null) goTo(target);
}

function scheduleNext() {
  clearTimeout(state.playTimer);
  const next = machine.afterArrival(state.index, state.config.stops.length, state.playing);
  if (next === 'end') setPlaying(false);
  else if (next === 'wait') state.playTimer = setTimeout(() => step(1), machine.dwellMs(state.config, state.index));
}

export function setPlaying(playing) {
  state.playing = playing;
  state.els.play.textContent = playLabel(state.config.ui, playing);
  state.els.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
  clearTimeout(state.playTimer);
  if (playing) {
    const plan = machine.startPlaying(state.config, state.index);
    if (plan.rewind) goTo(OVERVIEW, {instant: true});
    if (!state.animation) state.playTimer = setTimeout(() => step(1), plan.delayMs);
  }
}

export const actions = {goTo: (index) => goTo(index), step, togglePlay: () => setPlaying(!state.playing)};

export function onKey(event) {
  if (!state.ready || helpIsOpen(state)) return;   // the open help dialog has the keys (Esc closes it)
  const action = machine.keyAction(event, state.index, state.config.stops.length);
  if (!action) return;
  if (action.type === 'step') step(action.delta);
  else if (action.type === 'goto') goTo(action.index);
  else if (action.type === 'help') openHelp(state);
  else setPlaying(!state.playing);
  event.preventDefault();
}

// After a resize the whole-trip view is fitted again (the iframe often gets its final size just
// after the first fit).
export function onResize() {
  setFrameHeight();
  if (state.ready && state.deck && state.index === OVERVIEW && !state.animation) flyTo(overviewViewState(), 0);
}
