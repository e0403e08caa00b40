// The deck.gl layers of the map: the basemap (basemapview.js), the route ahead and travelled, the trail
// of a leg's flight with its head, and the stop markers. Layer data keeps its identity between
// frames: a new array makes deck.gl re-tessellate every polygon and re-lay out every label, on every
// frame of a flight. `D` is window.deckgl (storymap/player/deckgl.min.js).
import {headPosition, legDuration} from './camera.js';
import {basemapLayers, prepareLevels} from './basemapview.js';
import {CLUSTER_RADIUS, CURRENT_RADIUS, MARKER_RADIUS} from './labels.js';
import {dashedLegProps} from './legstyle.js';
import {storyLayers} from './storylayers.js';

// Route, markers and labels are drawn over the ground, never clipped by it when the map is pitched.
const ON_TOP = {depthWriteEnabled: false, depthCompare: 'always'};
const NO_DATA = [];

export const legPath = (leg) => leg.geometry.coordinates;
const legTimestamps = (leg) => leg.properties.timestamps;

export function prepareBasemap(state) {
  prepareLevels(state);
  state.labelTiers = {};
  state.placed = null;
  state.travelled = null;
}

// Place labels by the zoom tiers the basemap was built with; one array per tier, made once.
export function placeLabels(state) {
  let tier = 0;
  for (const f of state.basemap.features) {
    if (f.properties.layer === 'label' && f.properties.minzoom <= state.zoom) tier = Math.max(tier, f.properties.minzoom);
  }
  if (!state.labelTiers[tier]) {
    state.labelTiers[tier] = state.basemap.features.filter((f) => f.properties.layer === 'label' && f.properties.minzoom <= tier);
  }
  return state.labelTiers[tier];
}

// Legs [0, reachedLeg) are travelled; the same array while reachedLeg stays.
function travelled(state, reachedLeg) {
  if (!state.travelled || state.travelled.reached !== reachedLeg) {
    state.travelled = {reached: reachedLeg, legs: state.route.features.filter((leg, i) => i < reachedLeg)};
  }
  return state.travelled.legs;
}

// `groups` is how the stops are drawn now (labels.js mapStops): alone, or as clusters with a count
// (a click on one opens it: `onClusterClick(members)` zooms in to them).
// `viewport`: the view being drawn, or null before the map has a size.
export function buildLayers(D, state, groups, onStopClick, onClusterClick, viewport) {
  const colors = state.colors;
  const animating = state.animation;
  const reachedLeg = animating ? animating.leg : state.index;
  const legs = state.route.features;
  const current = state.index;
  const layers = [
    ...basemapLayers(D, state, viewport),
    // Both route layers dashed by leg kind (legstyle.js); the trail of a flight below stays solid while it moves.
    new D.PathLayer({id: 'route-ahead', parameters: ON_TOP, data: legs, getPath: legPath, getColor: colors.ahead, getWidth: 2.5,
      widthUnits: 'pixels', pickable: false, ...dashedLegProps(D)}),
    new D.PathLayer({id: 'route-done', parameters: ON_TOP, data: travelled(state, reachedLeg), getPath: legPath,
      getColor: colors.done, getWidth: 4, widthUnits: 'pixels', capRounded: true, jointRounded: true, pickable: false,
      ...dashedLegProps(D)}),
  ];
  // Story layers (storylayers.js): above the basemap, below the route.
  layers.splice(layers.findIndex((layer) => layer.id === 'route-ahead'), 0, ...storyLayers(D, state));
  // The trail's layer is built, empty, once the first frame is up: its shader program then compiles
  // while the reader looks at the map, not when the first flight starts (a 0.3-0.9 s stall under
  // software WebGL, seen in a profile of the first flight). Same id, so the flight reuses it.
  if (!animating && state.tripsWarm) {
    layers.push(new D.TripsLayer({id: 'trip', parameters: ON_TOP, data: NO_DATA, getPath: legPath, getTimestamps: legTimestamps}));
  }
  if (animating) {
    const leg = legs[animating.leg];
    layers.push(new D.TripsLayer({id: 'trip', parameters: ON_TOP, data: [leg], getPath: legPath, getTimestamps: legTimestamps,
      getColor: colors.done, currentTime: state.time, trailLength: Math.max(1, legDuration(leg)), fadeTrail: true,
      widthMinPixels: 5, capRounded: true, jointRounded: true, updateTriggers: {getPath: animating.leg}}));
    layers.push(new D.ScatterplotLayer({id: 'head', parameters: ON_TOP, data: [headPosition(leg, state.time)], getPosition: (d) => d,
      getRadius: 7, radiusUnits: 'pixels', billboard: true, getFillColor: colors.done, getLineColor: colors.halo, lineWidthMinPixels: 2,
      stroked: true}));
  }
  layers.push(new D.ScatterplotLayer({id: 'clusters', parameters: ON_TOP, data: groups.clusters, getPosition: (c) => c.position,
    pickable: true, radiusUnits: 'pixels', billboard: true, getRadius: CLUSTER_RADIUS, stroked: true, lineWidthUnits: 'pixels',
    getLineWidth: 2, getFillColor: colors.halo, getLineColor: colors.done,
    onClick: ({object}) => { if (object) onClusterClick(object.members); }}));
  layers.push(new D.ScatterplotLayer({id: 'stops', parameters: ON_TOP, data: groups.singles, getPosition: (s) => s.position, pickable: true,
    radiusUnits: 'pixels', billboard: true, getRadius: (s) => (s.index === current ? CURRENT_RADIUS : MARKER_RADIUS), stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: (s) => (s.index === current ? 3 : 2),
    getFillColor: (s) => (s.index <= current ? colors.done : colors.markerAhead),
    getLineColor: (s) => (s.index === current ? colors.text : colors.done),
    updateTriggers: {getRadius: current, getFillColor: current, getLineColor: current, getLineWidth: current},
    onClick: ({object}) => { if (object) onStopClick(object.index); }}));
  return layers;
}
