// Place and stop names: which stop labels fit (greedy, on a screen grid), on which side, and where
// each goes on screen. Names are HTML, not a deck.gl TextLayer: the TextLayer's shader program was
// the slowest of the map's to link (0.4-0.6 s under software WebGL; the map drawn 0.26 s sooner
// without it), and the browser draws every script (Cyrillic, Korean) without a font atlas. Elements
// are made when the set of names changes and moved after every frame deck.gl draws (pans and zooms).
// The placement functions are pure (a viewport is {width, height, project}); syncLabels and
// positionLabels touch only the player's label layer.
import {el} from './dom.js';

export const CELL_WIDTH = 40;
export const CELL_HEIGHT = 22;
const CHAR_PX = 8;          // a rough width of one character of a label
const MARKER_GAP = 12;      // between a marker and its label

// The stops that get a label, current stop first, so clustered stops do not print over each other.
// A label that would run off the map's right edge goes to the marker's left (labelSide: 'left').
// Before the map is laid out (no viewport, or a tiny one) every stop is returned, unplaced.
export function placeStopLabels(stops, currentIndex, viewport) {
  if (!viewport || viewport.width < 2 || viewport.height < 2) return stops;
  const taken = new Set();
  const chosen = [];
  const order = stops.slice().sort((a, b) => (a.index === currentIndex ? -1 : b.index === currentIndex ? 1 : a.index - b.index));
  for (const stop of order) {
    const [px, py] = viewport.project(stop.position);
    const labelPx = stop.name.length * CHAR_PX + 16;
    const left = px + MARKER_GAP + labelPx > viewport.width - 4 && px - MARKER_GAP - labelPx >= 4;
    const width = Math.ceil(labelPx / CELL_WIDTH);
    const cells = [];
    for (let dx = 0; dx < width; dx += 1) {
      cells.push(Math.floor(px / CELL_WIDTH + (left ? -dx - 1 : dx)) + ':' + Math.floor(py / CELL_HEIGHT));
    }
    cells.push(Math.floor(px / CELL_WIDTH) + ':' + Math.floor(py / CELL_HEIGHT + 0.5));
    if (cells.some((cell) => taken.has(cell))) continue;
    cells.forEach((cell) => taken.add(cell));
    chosen.push(left ? Object.assign({}, stop, {labelSide: 'left'}) : stop);
  }
  return chosen;
}

// What the label layer shows: place names above their point, stop names beside their marker.
export function labelItems(places, stops, currentIndex) {
  const items = [];
  for (const f of places) items.push({position: f.geometry.coordinates, text: f.properties.name, kind: 'place', side: 'above'});
  for (const s of stops) {
    items.push({position: s.position, text: s.name, kind: s.index === currentIndex ? 'stop current' : 'stop',
                side: s.labelSide === 'left' ? 'left' : 'right'});
  }
  return items;
}

// Near enough to the map to be drawn (a long name may start off screen and still show).
export function isOnScreen(x, y, width, height) { return x > -300 && x < width + 300 && y > -40 && y < height + 40; }

// The CSS transform that puts a label's element at its point (x, y in pixels).
export function labelTransform(side, x, y) {
  if (side === 'above') return `translate(${x.toFixed(1)}px, ${(y - 10).toFixed(1)}px) translate(-50%, -50%)`;
  if (side === 'left') return `translate(${(x - MARKER_GAP).toFixed(1)}px, ${y.toFixed(1)}px) translate(-100%, -50%)`;
  return `translate(${(x + MARKER_GAP).toFixed(1)}px, ${y.toFixed(1)}px) translate(0, -50%)`;
}

function mapViewport(state) {
  let viewports = [];
  try { viewports = state.deck ? state.deck.getViewports() : []; } catch (error) { /* not initialised yet */ }
  return viewports[0];
}

// The stops labelled for the view at rest; during a flight the last placement is kept (and its array).
export function labelledStops(state) {
  const key = state.index + ':' + Math.round(state.zoom * 4);
  if (state.animation && state.placed) return state.placed.stops;
  if (state.placed && state.placed.key === key) return state.placed.stops;
  const stops = placeStopLabels(state.config.stops, state.index, mapViewport(state));
  if (stops !== state.config.stops) state.placed = {key: key, stops: stops};
  return stops;
}

export function syncLabels(state, places, stops) {
  const key = state.index;
  const set = state.labelSet;
  if (set && set.places === places && set.stops === stops && set.key === key) return;
  const items = labelItems(places, stops, state.index);
  state.els.labels.replaceChildren(...items.map((item) => {
    item.node = el('span', {class: 'map-label ' + item.kind, text: item.text});
    return item.node;
  }));
  state.labelSet = {places: places, stops: stops, key: key, items: items};
  positionLabels(state);
}

export function positionLabels(state) {
  if (!state.labelSet || !state.deck) return;
  const viewport = mapViewport(state);
  if (!viewport) return;
  // Hidden while the story moves the camera (a leg's flight or a jump's transition): where WebGL is
  // slow (software rendering) the browser can show the labels' new places before the canvas's
  // frame, and names would race ahead of the map. They fade back in when the camera is at rest.
  const moving = !!state.animation || !!state.cameraMove;
  state.els.labels.classList.toggle('moving', moving);
  if (moving) return;
  for (const item of state.labelSet.items) {
    const [x, y] = viewport.project(item.position);
    const inside = isOnScreen(x, y, viewport.width, viewport.height);
    item.node.style.visibility = inside ? '' : 'hidden';
    if (inside) item.node.style.transform = labelTransform(item.side, x, y);
  }
}
