// The locator inset's maths: the whole trip in a small Web Mercator frame, and the current view as a
// box (or a dot, when the box would be too small to see) on it. Pure, importable by node.

export const LOCATOR_DOT_PX = 6;        // a view box smaller than this is drawn as a dot of this size

const mercatorY = (lat) => Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * Math.PI) / 360));
const rad = (lon) => (lon * Math.PI) / 180;

// [lon, lat] -> [x, y] in a width x height frame showing `bounds` ([west, south, east, north]) with
// `pad` (a fraction of the trip's size) around it, centred, one scale for both axes (a square km on
// the map is square on the locator).
export function locatorProjection(bounds, width, height, pad) {
  const [west, south, east, north] = bounds;
  const x0 = rad(west);
  const x1 = rad(east);
  const y0 = mercatorY(south);
  const y1 = mercatorY(north);
  const spanX = Math.max(1e-6, x1 - x0) * (1 + 2 * pad);
  const spanY = Math.max(1e-6, y1 - y0) * (1 + 2 * pad);
  const scale = Math.min(width / spanX, height / spanY);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return ([lon, lat]) => [width / 2 + (rad(lon) - cx) * scale, height / 2 - (mercatorY(lat) - cy) * scale];
}

// Height over width of the trip's bounds in Web Mercator (what the locator's frame should be).
export function locatorAspect(bounds) {
  const [west, south, east, north] = bounds;
  return (mercatorY(north) - mercatorY(south)) / Math.max(1e-6, rad(east) - rad(west));
}

// An SVG path of rings (lists of [lon, lat]), skipping points closer than minPx to the last one kept:
// the overview's coastline at a locator's size is a few hundred points, not tens of thousands.
export function ringsPath(rings, project, minPx) {
  const parts = [];
  for (const ring of rings) {
    let last = null;
    const kept = [];
    for (const position of ring) {
      const p = project(position);
      if (!last || Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= minPx) { kept.push(p); last = p; }
    }
    if (kept.length >= 3) parts.push('M' + kept.map(([x, y]) => x.toFixed(1) + ' ' + y.toFixed(1)).join('L') + 'Z');
  }
  return parts.join('');
}

// The current view on the locator: {x, y, w, h} of the box through its corners' projections (a
// pitched view's far edge included), or a dot of LOCATOR_DOT_PX around its centre when smaller.
export function viewBox(corners, project) {
  const points = corners.map(project);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const box = {x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys)};
  if (box.w >= LOCATOR_DOT_PX || box.h >= LOCATOR_DOT_PX) return Object.assign(box, {dot: false});
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return {x: cx - LOCATOR_DOT_PX / 2, y: cy - LOCATOR_DOT_PX / 2, w: LOCATOR_DOT_PX, h: LOCATOR_DOT_PX, dot: true};
}

// Where an inset of w x h goes in the corner of a map (width x height): right-aligned `margin` in,
// from `top` down; null when it would cover the point to keep clear (the current stop, with a
// `clear` px radius for its marker and name) or the map is too small to spare the room.
export function insetBox(width, height, w, h, top, margin, keep, clear) {
  if (width < 3 * w || height < 2.5 * h) return null;
  const box = {x: width - margin - w, y: top, w, h};
  if (keep && keep[0] > box.x - clear && keep[0] < box.x + w + clear && keep[1] > box.y - clear && keep[1] < box.y + h + clear) {
    return null;
  }
  return box;
}
