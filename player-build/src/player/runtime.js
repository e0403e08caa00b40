// The player at run time: start-up, readiness and failure, navigation, autoplay and the presenter's
// dwell as state.js decides them (mapview.js moves the map). A host adapter
// (hosts/streamlit.js or hosts/standalone.js) supplies the config and keeps its URL in step.
import {Unusable, checkBasemap, checkConfig, checkRoute} from './config.js';
import {clock} from './clock.js';
import {JUMP_MS, stopView} from './camera.js';
import {el} from './dom.js';
import {failureReason, failureText, playLabel} from './format.js';
import {animateLeg, buildDeck, clearOfCard, flyTo, overviewViewState, redraw} from './mapview.js';
import {reachedAt} from './plan.js';
import {buildMapControls, showDwellItem, showEndCard, updatePresenter} from './presenter.js';
import {thinTimeline} from './timeline.js';
import {prepareBasemap} from './layers.js';
import {hostLayers, hostView} from './hostlayers.js';
import {state} from './store.js';
import * as machine from './state.js';
import {buildDom, helpIsOpen, openHelp, renderChapter, textVersion} from './views.js';

const {OVERVIEW} = machine;

export {state};

// The host adapter: {name, syncUrl(stopId), setFrameHeight(), announceReady(config)}.
let host = {name: 'standalone', syncUrl() {}, setFrameHeight() {}, announceReady() {}};
export function useHost(adapter) { host = adapter; state.host = adapter.name; }
export function setFrameHeight() { host.setFrameHeight(); }


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
  clock.clearTimeout(state.playTimer);
  state.playing = false;
  stopDwell();
  state.endCard = false;
  state.cameraMove = null;
  if (state.flight) { state.flight.cancel(); state.flight = null; }
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
    setHost(config);
    state.timings.config = performance.now();
    state.config = config;
    state.mode = config.start.mode || 'page';
    state.loop = !!config.start.loop;
    root.dataset.mode = state.mode;
    setFrameHeight();   // size the iframe before the first fit of the map, not after
    const [route, basemap] = await Promise.all([loadJson(config.data.route), loadJson(config.data.basemap)]);
    if (state.run !== run) return;   // a newer story arrived while this one loaded
    state.route = checkRoute(route, config.stops);
    state.basemap = checkBasemap(basemap);
    state.timings.data = performance.now();
    prepareBasemap(state);
    buildDom(state, root, actions);
    buildMapControls(state, () => flyTo(overviewViewState(), JUMP_MS));
    thinTimeline(state);
    buildDeck((index) => goTo(index));
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

// A host app's own layers and whole-trip view (storymap.streamlit): checked and converted with the
// config, and replaced in place when the host reruns with the same story.
function setHost(config) {
  state.hostView = hostView(config.host_view);
  state.hostLayers = hostLayers(window.deckgl, config.host_layers);
}

export function updateHost(config) {
  try {
    setHost(config);
  } catch (error) {
    showFailure(error, state.config);
    return;
  }
  if (state.ready && state.index === OVERVIEW && !state.animation) flyTo(overviewViewState(), JUMP_MS);
  redraw();
}

// ---- navigation and animation -------------------------------------------------------------
function cancelAnimation() {
  if (state.animation) { clock.cancelFrame(state.animation.frame); state.animation = null; }
}

export function goTo(index, options) {
  const c = state.config;
  const opts = options || {};
  const move = machine.planMove(state.index, index, c.stops.length, {instant: opts.instant, reducedMotion: state.reducedMotion});
  if (!move) return;
  cancelAnimation();
  clock.clearTimeout(state.playTimer);
  stopDwell();
  state.endCard = false;
  state.index = index;
  renderChapter(state);
  updatePresenter(state, 0);
  host.syncUrl(index === OVERVIEW ? null : c.stops[index].id, index);
  if (move.kind === 'overview') {
    state.time = 0;
    flyTo(overviewViewState(), move.instant ? 0 : JUMP_MS);
    redraw();
  } else if (move.kind === 'leg') {
    animateLeg(move.leg, index, scheduleNext);
  } else {
    // Jumps and steps back cut to the stop: the trip is not replayed.
    state.time = c.stops[index].seconds;
    flyTo(clearOfCard(stopView(c.stops[index])), move.instant ? 0 : JUMP_MS);
    redraw();
    scheduleNext();
  }
}

export function step(delta) {
  const last = state.config.stops.length - 1;
  if (state.endCard) { if (delta < 0) goTo(last); return; }
  if (delta > 0 && state.index === last && state.mode === 'present') { showEnd(); return; }
  const target = machine.stepTarget(state.index, delta, state.config.stops.length);
  if (target !== null) goTo(target);
}

// ---- dwelling at a stop while playing ---------------------------------------------------------
const DWELL_TICK_MS = 100;     // the presenter's progress bar and the overlay's item move this often

function stopDwell() { clock.clearTimeout(state.dwellTimer); state.dwell = null; }

// Wait `ms` at the current place, then `then()`. In presentation mode the overlay shows each of the
// stop's quotes and notes in turn (state.js dwellItems) and the presenter's bar fills.
function startDwell(ms, then) {
  stopDwell();
  if (state.mode !== 'present') { state.dwellTimer = clock.setTimeout(then, ms); return; }
  const stop = state.index === OVERVIEW || state.endCard ? null : state.config.stops[state.index];
  const items = stop ? machine.dwellItems(stop) : null;
  const started = clock.now();
  const dwell = {item: 0, ms};
  state.dwell = dwell;
  const tick = () => {
    if (state.dwell !== dwell) return;
    const elapsed = clock.now() - started;
    if (items) {
      const at = machine.dwellAt(items, ms, elapsed);
      if (at.item !== dwell.item) { dwell.item = at.item; showDwellItem(state, items, at.item); }
    }
    updatePresenter(state, elapsed / ms);
    if (elapsed >= ms) { state.dwell = null; then(); return; }
    state.dwellTimer = clock.setTimeout(tick, Math.min(DWELL_TICK_MS, ms - elapsed));
  };
  tick();
}

function scheduleNext() {
  clock.clearTimeout(state.playTimer);
  const next = machine.afterArrival(state.index, state.config.stops.length, state.playing);
  if (next === 'idle') { stopDwell(); updatePresenter(state, 0); return; }
  startDwell(machine.dwellMs(state.config, state.index), next === 'end' ? finish : () => step(1));
}

// The last stop's dwell is over: the end card (presentation mode), then, with ?loop=1, from the top.
function finish() {
  const plan = machine.afterLast(state.mode, state.loop);
  if (plan.endCard) showEnd();
  if (!plan.loop) { setPlaying(false); return; }
  startDwell(machine.dwellMs(state.config, OVERVIEW), () => {
    goTo(OVERVIEW, {instant: true});
    state.playTimer = clock.setTimeout(() => step(1), machine.FIRST_STEP_MS);
  });
}

function showEnd() {
  cancelAnimation();
  stopDwell();
  state.endCard = true;
  showEndCard(state);
  updatePresenter(state, 1);
  flyTo(overviewViewState(), JUMP_MS);
}

export function setPlaying(playing) {
  state.playing = playing;
  state.els.play.textContent = playLabel(state.config.ui, playing);
  state.els.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
  clock.clearTimeout(state.playTimer);
  if (!playing) stopDwell();
  updatePresenter(state, 0);
  if (playing) {
    const plan = machine.startPlaying(state.config, state.index);
    if (plan.rewind || state.endCard) goTo(OVERVIEW, {instant: true});
    if (!state.animation) startDwell(plan.rewind ? machine.FIRST_STEP_MS : plan.delayMs, () => step(1));
  }
}

// The overview with the route drawn up to story time `seconds`, its trail's head moving (the GIF of
// `storymap video --gif`): the camera stays on the whole trip; stops fill as they are reached.
export function showRouteAt(seconds) {
  cancelAnimation();
  stopDwell();
  const stops = state.config.stops;
  const reached = reachedAt(stops, seconds);
  state.index = reached;
  state.time = Math.min(seconds, stops[stops.length - 1].seconds);
  state.animation = reached < stops.length - 1 ? {leg: reached, frame: 0} : null;
  redraw();
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
  if (state.ready) thinTimeline(state);
  if (state.ready && state.deck && state.index === OVERVIEW && !state.animation) flyTo(overviewViewState(), 0);
}
