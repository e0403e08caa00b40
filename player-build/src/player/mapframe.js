// The map's scale bar and locator inset (the geographic frame's furniture; frame.js chooses its
// names). Built with the deck, updated after every frame deck.gl draws: the bar from the view's zoom
// and centre latitude (scalebar.js), the locator's box from the view's corners (locator.js). The
// locator shows only at a stop, and only where it covers neither the stop nor the quote card.
import {tripBounds} from './camera.js';
import {el, svg} from './dom.js';
import {insetBox, locatorAspect, locatorProjection, ringsPath, viewBox} from './locator.js';
import {SCALE_MAX_PX, barBottom, lengthText, scaleBars} from './scalebar.js';
import {OVERVIEW} from './state.js';

const MARGIN_PX = 8;
const STOP_CLEAR_PX = 40;          // the current stop's marker and the start of its name
const PHONE_WIDTH_PX = 500;
const LOCATOR_ZOOM = 3;            // the locator shows the basemap as drawn at about this zoom

function locatorSize(mapWidth, bounds) {
  const w = mapWidth < PHONE_WIDTH_PX ? 88 : 136;
  return {w, h: Math.round(w * Math.min(1.2, Math.max(0.55, locatorAspect(bounds))))};
}

export function buildMapFrame(state) {
  const ui = state.config.ui;
  const els = state.els;
  els.scaleBar = el('div', {class: 'scale-bar', role: 'img', 'aria-label': ui.scale_label});
  els.map.appendChild(els.scaleBar);
  state.scaleText = '';
  // The locator is drawn once per map size: land, lakes and the route of the whole trip.
  const bounds = tripBounds(state.config.stops, state.route.features);
  const mapWidth = els.map.getBoundingClientRect().width;
  const {w, h} = locatorSize(mapWidth, bounds);
  const project = locatorProjection(bounds, w, h, 0.35);
  // The land and lakes the basemap draws at LOCATOR_ZOOM (whatever its zoom bands), as rings.
  const rings = (kind) => state.basemap.features.filter((f) => f.properties.layer === kind &&
      f.properties.minzoom <= LOCATOR_ZOOM && f.properties.maxzoom > LOCATOR_ZOOM)
    .flatMap((f) => (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()));
  const routeD = state.route.features.map((leg) => 'M' + leg.geometry.coordinates.map((p) => project(p).map((v) => v.toFixed(1))
    .join(' ')).join('L')).join('');
  els.locatorBox = svg('rect', {class: 'locator-view'});
  els.locator = el('div', {class: 'locator', role: 'img', 'aria-label': ui.locator_label});
  const drawing = svg('svg', {width: w, height: h, viewBox: `0 0 ${w} ${h}`, 'aria-hidden': 'true'});
  drawing.append(svg('path', {class: 'locator-land', d: ringsPath(rings('land'), project, 0.8)}),
                 svg('path', {class: 'locator-lake', d: ringsPath(rings('lake'), project, 0.8)}),
                 svg('path', {class: 'locator-route', d: routeD}), els.locatorBox);
  els.locator.appendChild(drawing);
  els.map.appendChild(els.locator);
  state.locator = {w, h, project, shown: null};
}

function viewportOf(state) {
  try { return state.deck.getViewports()[0]; } catch (error) { return null; }
}

// The bar right-aligned at the foot of the map, lifted above the legend or the quote card when either
// lies where it would be (a phone's legend spans the map; in presentation mode the legend is at the top).
function placeScaleBar(state, map, bar) {
  const obstacles = ['legend', 'overlay'].map((name) => state.els[name])
    .filter((node) => node && node.offsetParent).map((node) => node.getBoundingClientRect());
  state.els.scaleBar.style.bottom = barBottom(map, bar, obstacles, MARGIN_PX) + 'px';
}

function updateScaleBar(state, viewport, map) {
  const ui = state.config.ui;
  const bars = scaleBars(viewport.zoom, viewport.latitude, SCALE_MAX_PX, !!(state.config.frame && state.config.frame.scale_miles));
  const text = bars.map((b) => `${b.value}${b.unit}:${b.px.toFixed(0)}`).join(' ');
  if (text !== state.scaleText) {
    state.scaleText = text;
    state.els.scaleBar.replaceChildren(...bars.map((b) => {
      const line = el('span', {class: 'scale-line ' + b.unit});
      line.style.width = b.px.toFixed(1) + 'px';
      return el('div', {class: 'scale-row', 'data-unit': b.unit, 'data-value': b.value},
                line, el('span', {class: 'scale-text', text: ui['scale_' + b.unit].replace('{n}', lengthText(b.value))}));
    }));
    state.els.scaleBar.setAttribute('aria-label', ui.scale_label + ': ' + bars.map((b) => ui['scale_' + b.unit]
      .replace('{n}', lengthText(b.value))).join(', '));
  }
  placeScaleBar(state, map, state.els.scaleBar.getBoundingClientRect());
}

function updateLocator(state, viewport, map) {
  const loc = state.locator;
  let top = MARGIN_PX;
  const legend = state.els.legend;
  if (state.mode === 'present' && legend && legend.offsetParent) top = legend.getBoundingClientRect().bottom - map.top + MARGIN_PX;
  const stop = state.index === OVERVIEW ? null : state.config.stops[state.index];
  const keep = stop ? viewport.project(stop.position) : null;
  const box = stop ? insetBox(viewport.width, viewport.height, loc.w, loc.h, top, MARGIN_PX, keep, STOP_CLEAR_PX) : null;
  // Never over the presenter's quote card (on a short screen the card can reach up to it).
  const card = state.els.overlay && state.els.overlay.offsetParent ? state.els.overlay.getBoundingClientRect() : null;
  const underCard = box && card && card.height && card.top - map.top < box.y + box.h && card.right - map.left > box.x;
  const shown = !!box && !underCard && !state.animation;
  if (shown !== loc.shown) { state.els.locator.hidden = !shown; loc.shown = shown; }
  if (!shown) return;
  state.els.locator.style.top = box.y + 'px';
  const corners = [[0, 0], [viewport.width, 0], [viewport.width, viewport.height], [0, viewport.height]]
    .map((p) => viewport.unproject(p));
  const view = viewBox(corners, loc.project);
  const r = state.els.locatorBox;
  r.setAttribute('x', view.x.toFixed(1)); r.setAttribute('y', view.y.toFixed(1));
  r.setAttribute('width', view.w.toFixed(1)); r.setAttribute('height', view.h.toFixed(1));
  r.classList.toggle('dot', view.dot);
}

export function updateMapFrame(state) {
  if (!state.els.scaleBar || !state.deck) return;
  const viewport = viewportOf(state);
  if (!viewport || viewport.width < 2) return;
  const map = state.els.map.getBoundingClientRect();
  updateScaleBar(state, viewport, map);
  updateLocator(state, viewport, map);
}
