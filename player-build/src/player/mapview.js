// The map: the deck and its canvas, colours, the camera's moves (with the basemap's bounds and, in
// presentation mode, clear of the quote card), the leg's flight with the camera on the train, and
// redraws. Navigation (runtime.js) says where to go; this module moves there.
import {linesStale} from './basemapview.js';
import {JUMP_MS, LEG_MS, boxBounds, constrain, headPosition, legBounds, legCamera, legTime, lifted, overviewView, stopView,
  tripBounds} from './camera.js';
import {clock} from './clock.js';
import {articleController} from './controller.js';
import {cssColor} from './dom.js';
import {clockFlight} from './flight.js';
import {tooltipText} from './format.js';
import {touchAction} from './gestures.js';
import {mapStops, positionLabels, syncLabels} from './labels.js';
import {buildLayers, placeLabels} from './layers.js';
import {withHostLayers} from './hostlayers.js';
import {buildMapFrame, updateMapFrame} from './mapframe.js';
import {showHint} from './presenter.js';
import {state} from './store.js';

const D = () => window.deckgl;
let onStopClick = () => {};

function readColors() {
  state.colors = {
    sea: cssColor('--sea'), land: cssColor('--land'), landEdge: cssColor('--land-edge'), river: cssColor('--river'),
    border: cssColor('--border'), borderCasing: cssColor('--border-casing'), done: cssColor('--route-done'), ahead: cssColor('--route-ahead'),
    markerAhead: cssColor('--marker-ahead'), text: cssColor('--text'),
    halo: cssColor('--bg', 220),
  };
}


// Once the first frame is up: the trail's shader (layers.js) and the picking pass are readied while
// the reader looks, or a first click on the map (a marker, a cluster) came to nothing while deck.gl
// compiled its picking program.
function warmTrips() {
  state.tripsWarm = true;
  try { state.deck.pickObject({x: 1, y: 1}); } catch (error) { /* a deck torn down meanwhile */ }
  if (!state.animation) redraw();
}

// `stopClicked(index)`: a marker was clicked.
export function buildDeck(stopClicked) {
  onStopClick = stopClicked;
  readColors();
  state.els.map.style.background = 'var(--sea)';
  state.maxBounds = boxBounds(state.basemap);
  const overview = constrain(overviewViewState(), state.maxBounds);
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
  buildMapFrame(state);
  state.deck = new (D().Deck)({
    canvas,
    views: new (D().MapView)({repeat: false}),
    initialViewState: overview,
    controller: {type: articleController(D(), {onPassed: (kind) => showHint(state, kind), touchPans: () => state.mode === 'present'}),
                 dragRotate: false, touchRotate: false, keyboard: false, multiTouchDrag: 'pan'},
    touchAction: touchAction(state.mode),
    onViewStateChange: ({viewState}) => {
      state.viewState = viewState;
      const changed = Math.abs(viewState.zoom - state.zoom) > 0.25;
      state.zoom = viewState.zoom;
      if ((changed || linesStale(state, viewportOf(viewState))) && !state.animation) redraw();
    },
    onAfterRender: () => {
      updateMapFrame(state);     // first: the locator shown or hidden is an obstacle for the names
      positionLabels(state);
      state.frames += 1;
      if (!state.timings.frame) { state.timings.frame = performance.now(); clock.idle(warmTrips); }
    },
    onLoad: () => redraw(),   // once the view has a size, place the labels for it
    getCursor: ({isHovering}) => (isHovering ? 'pointer' : 'grab'),
    getTooltip: ({object, layer}) => (layer && layer.id === 'stops' && object ? {text: tooltipText(object)} : null),
    layers: [],
  });
  // Two fingers move the map, not the page (touch-action lets the browser pan with any number).
  if (state.mode !== 'present') {
    state.els.map.addEventListener('touchmove', (event) => { if (event.touches.length > 1) event.preventDefault(); }, {passive: false});
  }
  redraw();
}

const fitBounds = (width, height, box, padding) => new (D().WebMercatorViewport)({width, height}).fitBounds(box, {padding});

// In presentation mode the quote card covers the lower part of the map: a stop's view is lifted into
// the part above it (camera.js lifted), so the current stop is never under the card.
function coveredPx() {
  if (state.mode !== 'present' || !state.els.overlay) return 0;
  const map = state.els.map.getBoundingClientRect();
  const card = state.els.overlay.getBoundingClientRect();
  return card.height ? Math.max(0, Math.min(map.height * 0.7, map.bottom - card.top + 12)) : 0;
}

function viewportOf(view) {
  const rect = state.els.map.getBoundingClientRect();
  return new (D().WebMercatorViewport)(Object.assign({}, view, {width: Math.max(1, rect.width), height: Math.max(1, rect.height)}));
}

export function clearOfCard(view) { return lifted(view, coveredPx(), viewportOf); }

export function overviewViewState() {
  if (state.hostView) return Object.assign({}, state.hostView);   // the host app's own whole-trip camera
  const rect = state.els.map.getBoundingClientRect();
  const below = state.mode === 'present' ? state.els.overlay : state.els.legend;
  const covered = below ? rect.bottom - below.getBoundingClientRect().top : 0;
  return overviewView(tripBounds(state.config.stops, state.route.features), rect, Math.max(0, covered), fitBounds);
}

export function flyTo(view, ms) {
  const target = constrain(view, state.maxBounds);
  const duration = state.reducedMotion ? 0 : ms;
  // This move, until its transition ends (or is interrupted, or, if deck.gl starts none because the
  // view is already there, a moment after it would have ended). A later move replaces it.
  const move = duration > 0 ? {} : null;
  // At rest, stops are grouped again for the view reached (clusters depend on the zoom).
  const settled = () => { if (state.cameraMove === move) { state.cameraMove = null; redraw(); positionLabels(state); } };
  state.cameraMove = move;
  stopFlight();
  if (clock.manual && duration) {
    const rect = state.els.map.getBoundingClientRect();
    const size = {width: Math.max(1, rect.width), height: Math.max(1, rect.height)};
    state.flight = clockFlight(new (D().FlyToInterpolator)({speed: 1.4}), Object.assign({}, state.viewState, size),
                               Object.assign({}, target, size), duration, setView, settled);
  } else {
    state.deck.setProps({initialViewState: Object.assign({}, target, duration ? {
      transitionDuration: duration, transitionInterpolator: new (D().FlyToInterpolator)({speed: 1.4}),
      onTransitionEnd: settled, onTransitionInterrupt: settled,
    } : {})});
  }
  if (move) clock.setTimeout(settled, duration + 500);
  if (!duration) { state.viewState = target; state.zoom = target.zoom; }
  positionLabels(state);
}

export function redraw() {
  if (!state.deck) return;
  const rect = state.els.map.getBoundingClientRect();
  const viewport = state.viewState && rect.width > 1 && rect.height > 1 ? viewportOf(state.viewState) : null;
  const groups = mapStops(state, viewport);
  const layers = buildLayers(D(), state, groups, (index) => onStopClick(index), openCluster, viewport);
  syncLabels(state, placeLabels(state), groups);
  state.deck.setProps({layers: withHostLayers(layers, state.hostLayers)});
}

// A cluster opens: the camera zooms in until its stops stand apart (their bounds fitted, at least
// two zoom levels closer).
function openCluster(members) {
  const rect = state.els.map.getBoundingClientRect();
  const bounds = tripBounds(members, []);
  const fitted = overviewView(bounds, rect, 0, fitBounds);
  flyTo(Object.assign({}, fitted, {zoom: Math.max(fitted.zoom, state.zoom + 2)}), JUMP_MS);
}


function stopFlight() {
  if (state.flight) { state.flight.cancel(); state.flight = null; }
}

function setView(view) {
  const target = constrain(view, state.maxBounds);
  state.deck.setProps({initialViewState: target});
  state.viewState = target;
  state.zoom = target.zoom;
}

// The train's flight along a leg: the trail grows and the camera follows its head (camera.js
// legCamera), frame by frame from the same clock, so the camera arrives with the train.
export function animateLeg(from, to, arrived) {
  const c = state.config;
  const leg = state.route.features[from];
  stopFlight();
  const started = clock.now();
  const start = state.viewState || stopView(c.stops[from]);
  const target = stopView(c.stops[to]);
  const legFit = overviewView(legBounds(leg), state.els.map.getBoundingClientRect(), 0, fitBounds);
  const midZoom = Math.min(start.zoom, target.zoom, legFit.zoom);
  const origin = leg.geometry.coordinates[0];
  // Lifted clear of the quote card frame by frame; the reader's own pan at departure is measured
  // from the lifted departure view.
  const covered = coveredPx();
  const lift = (view) => lifted(view, covered, viewportOf);
  const departure = lift({longitude: origin[0], latitude: origin[1], zoom: start.zoom, pitch: 0, bearing: 0});
  const camera = {zoom: start.zoom, pitch: start.pitch || 0, bearing: start.bearing || 0,
                  offset: [start.longitude - departure.longitude, start.latitude - departure.latitude]};
  state.cameraMove = null;
  const animation = {leg: from, frame: 0};
  state.animation = animation;
  const tick = (now) => {
    if (state.animation !== animation) return;
    const {time, eased, done} = legTime(leg, now - started);
    state.time = time;
    setView(lift(legCamera(headPosition(leg, time), eased, camera, target, midZoom)));
    if (!done) {
      redraw();
      animation.frame = clock.requestFrame(tick);
    } else {
      state.animation = null;
      state.time = c.stops[to].seconds;
      setView(lift(target));
      redraw();
      arrived();
    }
  };
  animation.frame = clock.requestFrame(tick);
  // The train arrives on time, not on the first frame after it: a video's plan (plan.js) adds up.
  clock.setTimeout(() => {
    if (state.animation === animation) { clock.cancelFrame(animation.frame); tick(Math.max(clock.now(), started + LEG_MS)); }
  }, LEG_MS);
}

