// View maths: the whole-trip fit, a stop's view, where the moving head is along a leg, the easing of
// a leg's flight. Pure: no DOM and no deck.gl (the fit is passed in), importable by node.

export const STOP_ZOOM = 11;          // one stop alone: the overview is that stop's town
export const MAX_OVERVIEW_ZOOM = 12;
export const MAX_ZOOM = 12;           // the basemap's full detail is ~50 m: closer shows nothing more
export const LEG_MS = 4000;           // one leg draws itself in this long
export const JUMP_MS = 900;           // camera move for a jump or a step back (no trail replay)

// [west, south, east, north] of the stops and every leg's positions. Loops, not Math.min(...list):
// spreading a long route's positions overflows the call stack.
export function tripBounds(stops, legs) {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  const include = ([lon, lat]) => {
    west = Math.min(west, lon); east = Math.max(east, lon); south = Math.min(south, lat); north = Math.max(north, lat);
  };
  for (const stop of stops) include(stop.position);
  for (const leg of legs) for (const position of leg.geometry.coordinates) include(position);
  return [west, south, east, north];
}

// The whole trip in a map of `size` ({width, height}, 0 when not laid out yet), leaving room for the
// legend (its height) in the lower left. `fit(width, height, [[w, s], [e, n]], padding)` is deck.gl's
// WebMercatorViewport.fitBounds, returning {longitude, latitude, zoom}.
export function overviewView(bounds, size, legendHeight, fit) {
  const [west, south, east, north] = bounds;
  const width = Math.max(320, size.width || 800);
  const height = Math.max(240, size.height || 600);
  if (west === east && south === north) return {longitude: west, latitude: south, zoom: STOP_ZOOM, pitch: 0, bearing: 0};
  const pad = Math.min(50, width / 10, height / 10);
  const bottom = Math.min(height / 3, pad + (legendHeight || 0));
  const fitted = fit(width, height, [[west, south], [east, north]], {top: pad, right: pad, bottom: bottom, left: pad});
  return {longitude: fitted.longitude, latitude: fitted.latitude, zoom: Math.min(fitted.zoom, MAX_OVERVIEW_ZOOM), pitch: 0, bearing: 0};
}

// A stop's view: its camera arrives resolved from Python ({zoom, pitch, bearing}).
export function stopView(stop) {
  return {longitude: stop.position[0], latitude: stop.position[1], zoom: stop.camera.zoom,
          pitch: stop.camera.pitch, bearing: stop.camera.bearing};
}

// The head of the trail at `time` (seconds): linear between the leg's timestamped positions.
export function headPosition(leg, time) {
  const stamps = leg.properties.timestamps;
  const path = leg.geometry.coordinates;
  if (time <= stamps[0]) return path[0];
  for (let i = 1; i < stamps.length; i += 1) {
    if (time <= stamps[i]) {
      const f = (time - stamps[i - 1]) / Math.max(1e-9, stamps[i] - stamps[i - 1]);
      return [path[i - 1][0] + f * (path[i][0] - path[i - 1][0]), path[i - 1][1] + f * (path[i][1] - path[i - 1][1])];
    }
  }
  return path[path.length - 1];
}

// Ease in and out (quadratic): 0 -> 0, 0.5 -> 0.5, 1 -> 1.
export function ease(progress) {
  return progress < 0.5 ? 2 * progress * progress : 1 - Math.pow(-2 * progress + 2, 2) / 2;
}

// The story time `elapsedMs` into a leg's flight of LEG_MS, how far along it is (eased, 0-1: the
// camera uses the same), and whether the flight is over.
export function legTime(leg, elapsedMs) {
  const stamps = leg.properties.timestamps;
  const t0 = stamps[0];
  const t1 = stamps[stamps.length - 1];
  const progress = Math.min(1, Math.max(0, elapsedMs / LEG_MS));
  const eased = ease(progress);
  return {time: t0 + (t1 - t0) * eased, eased, done: progress >= 1};
}

export function legDuration(leg) {
  const stamps = leg.properties.timestamps;
  return stamps[stamps.length - 1] - stamps[0];
}

// The basemap's box as deck.gl's maxBounds ([[west, south], [east, north]]): the reader can neither
// pan nor zoom out past the map there is (outside it the world is blank).
export function boxBounds(basemap) {
  const box = basemap.storymap.box;
  return [[box.west, box.south], [box.east, box.north]];
}

// Every view the player sets carries the same limits; deck.gl's controller reads them from the view
// state, so a view without them would lift the bounds for the reader's next drag.
export function constrain(view, maxBounds) {
  return Object.assign({}, view, {maxBounds, maxZoom: MAX_ZOOM, minZoom: 0});
}

// The view moved so that its centre point shows `coveredPx / 2` higher: in the middle of what the
// quote card at the bottom leaves free. (deck.gl's view-state padding would do it, but its
// controller drops padding from every view state it normalises.) `viewportOf(view)` is deck.gl's
// WebMercatorViewport at the map's size.
export function lifted(view, coveredPx, viewportOf) {
  if (!coveredPx) return view;
  const viewport = viewportOf(view);
  const [longitude, latitude] = viewport.unproject([viewport.width / 2, viewport.height / 2 + coveredPx / 2]);
  return Object.assign({}, view, {longitude, latitude});
}

// Smooth step: 0 -> 0, 1 -> 1, flat at both ends.
const smooth = (t) => t * t * (3 - 2 * t);

// The camera `progress` (0-1, eased as the train's clock) into a leg's flight. It follows the train:
// centred on the head (the reader's own pan at departure fades out over the first half), zooming out
// to `midZoom` (which shows the whole leg) and back in to the stop's zoom, so it reaches the stop when
// the train does and never flies ahead of it.
export function legCamera(head, progress, from, to, midZoom) {
  const p = Math.min(1, Math.max(0, progress));
  const zoom = p < 0.5 ? from.zoom + (midZoom - from.zoom) * smooth(2 * p) : midZoom + (to.zoom - midZoom) * smooth(2 * p - 1);
  const drift = 1 - smooth(Math.min(1, 2 * p));
  return {longitude: head[0] + from.offset[0] * drift, latitude: head[1] + from.offset[1] * drift, zoom,
          pitch: from.pitch + (to.pitch - from.pitch) * p, bearing: from.bearing + (to.bearing - from.bearing) * p};
}

// [west, south, east, north] of one leg's positions.
export function legBounds(leg) { return tripBounds([], [leg]); }
