// Place and stop names, and the stops as the map shows them (alone, or piled up into a cluster).
// Names are HTML, not a deck.gl TextLayer: the TextLayer's shader program was the slowest of the
// map's to link (0.4-0.6 s under software WebGL; the map drawn 0.26 s sooner without it), and the
// browser draws every script (Cyrillic, Korean) without a font atlas. Elements are made (and
// measured) when the set of names changes, and laid out after every frame deck.gl draws (collide.js
// decides where each goes, or that it is not shown).
import {el} from './dom.js';
import {clusterStops, inside, layoutLabels, markerBox} from './collide.js';
import {frameItems, frameKey, nearestFirst} from './frame.js';

export const MARKER_RADIUS = 7;       // a stop's marker (layers.js draws it at these radii)
export const CURRENT_RADIUS = 11;
export const CLUSTER_RADIUS = 14;
const STOP_SIDES = ['right', 'left', 'above', 'below'];
const PLACE_SIDES = ['above', 'below', 'right', 'left'];
const PLACE_GAP = 2;                  // a town has no marker: its name sits just over its point
const FRAME_MARGIN_PX = 24;           // a frame name's point this far inside the map, or another point is used

function mapViewport(state) {
  let viewports = [];
  try { viewports = state.deck ? state.deck.getViewports() : []; } catch (error) { /* not initialised yet */ }
  return viewports[0];
}

// The stops as drawn for the view the camera is going to (`viewport`, made from state.viewState: the
// deck's own lags a frame behind a cut): {singles, clusters} (collide.js clusterStops). During a
// flight the last grouping is kept (and its arrays, so layers and labels are not rebuilt per frame).
export function mapStops(state, viewport) {
  if (state.animation && state.placed) return state.placed.groups;
  if (!viewport || viewport.width < 2 || viewport.height < 2) return {singles: state.config.stops, clusters: []};
  const key = [state.index, Math.round(viewport.zoom * 8), viewport.width, viewport.height].join(':');
  if (state.placed && state.placed.key === key) return state.placed.groups;
  const groups = clusterStops(state.config.stops, state.index, (p) => viewport.project(p));
  state.placed = {key, groups};
  return groups;
}

// What the label layer shows, in the order names are placed: the current stop, the other stops,
// the frame's country and sea names (frame.js), then towns; clusters' counts sit on their circles and
// are not placed.
export function labelItems(places, groups, currentIndex, frame) {
  const items = [];
  const stops = groups.singles.slice().sort((a, b) => (a.index === currentIndex ? -1 : b.index === currentIndex ? 1 : a.index - b.index));
  for (const s of stops) {
    const current = s.index === currentIndex;
    items.push({position: s.position, text: s.name, kind: current ? 'stop current' : 'stop', sides: STOP_SIDES,
                gap: (current ? CURRENT_RADIUS : MARKER_RADIUS) + 5, must: current});
  }
  for (const c of groups.clusters) items.push({position: c.position, text: String(c.count), kind: 'cluster', fixed: true});
  for (const f of frame || []) items.push(Object.assign({must: false}, f));
  for (const f of places) {
    items.push({position: f.geometry.coordinates, text: f.properties.name, kind: 'place', sides: PLACE_SIDES, gap: PLACE_GAP, must: false});
  }
  return items;
}

export function syncLabels(state, places, groups) {
  const frame = state.config.frame;
  const key = state.index + '|' + frameKey(frame, state.zoom);
  const set = state.labelSet;
  if (set && set.places === places && set.groups === groups && set.key === key) return;
  const items = labelItems(places, groups, state.index, frameItems(frame, state.zoom));
  state.els.labels.replaceChildren(...items.map((item) => {
    item.node = el('span', {class: 'map-label ' + item.kind, text: item.text});
    return item.node;
  }));
  // Measured once, all reads after all writes (one layout); a label not laid out yet is estimated.
  for (const item of items) {
    item.w = item.node.offsetWidth || item.text.length * 8 + 4;
    item.h = item.node.offsetHeight || 16;
    if (item.centred) item.gap = -item.h / 2;
  }
  state.labelSet = {places, groups, key, items};
  positionLabels(state);
}

// The markers labels must not cover: every stop's and cluster's, at the radius it is drawn.
function markerBoxes(viewport, groups, currentIndex) {
  const boxes = groups.singles.map((s) => {
    const [x, y] = viewport.project(s.position);
    return markerBox(x, y, (s.index === currentIndex ? CURRENT_RADIUS : MARKER_RADIUS) + 2);
  });
  for (const c of groups.clusters) { const [x, y] = viewport.project(c.position); boxes.push(markerBox(x, y, CLUSTER_RADIUS + 2)); }
  return boxes;
}

// What lies over the map (the legend, the whole-trip button, the presenter's display, the quote
// card): names under them could not be read, so they count as taken.
function coveredBoxes(state) {
  const map = state.els.map.getBoundingClientRect();
  const boxes = [];
  for (const name of ['legend', 'wholeTrip', 'presenter', 'overlay', 'scaleBar', 'locator']) {
    const node = state.els[name];
    const r = node && node.offsetParent ? node.getBoundingClientRect() : null;
    if (r && r.width && r.height) boxes.push({x: r.left - map.left, y: r.top - map.top, w: r.width, h: r.height});
  }
  return boxes;
}

export function positionLabels(state) {
  if (!state.labelSet || !state.deck) return;
  const viewport = mapViewport(state);
  if (!viewport) return;
  // Hidden while the story moves the camera (a leg's flight or a jump's transition): where WebGL is
  // slow (software rendering) the browser can show the labels' new places before the canvas's
  // frame, and names would race ahead of the map. They come back in the first frame at rest.
  const moving = !!state.animation || !!state.cameraMove;
  state.els.labels.classList.toggle('moving', moving);
  if (moving) return;
  const {items, groups} = state.labelSet;
  const placed = [];
  const free = [];
  for (const item of items) {
    const [x, y] = viewport.project(item.position);
    if (item.fixed) {
      const box = {x: x - item.w / 2, y: y - item.h / 2, w: item.w, h: item.h};
      placed.push({item, box: inside(box, viewport.width, viewport.height) ? box : null});
      continue;
    }
    free.push({item, x, y, w: item.w, h: item.h, sides: item.sides, gap: item.gap, must: item.must, group: item.group});
  }
  const obstacles = markerBoxes(viewport, groups, state.index).concat(coveredBoxes(state));
  // Each frame name at the first of its points, nearest the centre, that fits (frame.js); the others are hidden.
  const laid = nearestFirst(free, viewport.width, viewport.height, FRAME_MARGIN_PX);
  const layout = layoutLabels(laid, viewport.width, viewport.height, obstacles);
  const boxes = new Map(laid.map((label, i) => [label, layout[i] && layout[i].box]));
  free.forEach((label) => placed.push({item: label.item, box: boxes.get(label)}));
  for (const {item, box} of placed) {
    item.node.style.visibility = box ? '' : 'hidden';
    if (box) item.node.style.transform = `translate(${box.x.toFixed(1)}px, ${box.y.toFixed(1)}px)`;
  }
}
