// How long the story plays in presentation mode, from the whole trip with its title to the end card,
// segment by segment, from the same constants and dwells the runtime plays it with: what
// `storymap video` needs to know its frame count (and the time left) before it renders. Pure.
import {JUMP_MS, LEG_MS} from './camera.js';
import {FIRST_STEP_MS, OVERVIEW, dwellMs} from './state.js';

// The title over the whole trip and the end card are each shown for the story's own dwell. Exact on the
// manual clock: a leg arrives by a timer at LEG_MS, not on the next frame.
export function playbackPlan(config) {
  const overview = dwellMs(config, OVERVIEW);
  const segments = [{kind: 'title', ms: overview}, {kind: 'first-step', ms: FIRST_STEP_MS}];
  config.stops.forEach((stop, index) => {
    if (index > 0) segments.push({kind: 'leg', index: index - 1, ms: LEG_MS});
    segments.push({kind: 'stop', index, ms: dwellMs(config, index)});
  });
  segments.push({kind: 'end', ms: Math.max(overview, JUMP_MS)});
  return {segments, total_ms: segments.reduce((sum, segment) => sum + segment.ms, 0)};
}

// The stop reached by story time `seconds` (the last one whose time has come), for the overview's
// route drawing itself (the GIF).
export function reachedAt(stops, seconds) {
  let reached = 0;
  while (reached + 1 < stops.length && stops[reached + 1].seconds <= seconds) reached += 1;
  return reached;
}

// The story time at `progress` (0-1) of the route drawing itself with each leg given the same share,
// so a long leg or a long stay does not hold the picture.
export function routeTimeAt(legs, progress) {
  const p = Math.min(1, Math.max(0, progress)) * legs.length;
  const leg = legs[Math.min(legs.length - 1, Math.floor(p))];
  const stamps = leg.properties.timestamps;
  const f = Math.min(1, p - Math.min(legs.length - 1, Math.floor(p)));
  return stamps[0] + f * (stamps[stamps.length - 1] - stamps[0]);
}
