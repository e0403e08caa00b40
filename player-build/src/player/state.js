// Navigation and autoplay as a pure state machine: which stop comes next, how the camera gets there
// (a leg's flight, a cut, the overview), what a key does, how long a stop is shown while playing.
// No DOM, no timers: the runtime (runtime.js) applies what these functions decide.

export const OVERVIEW = -1;            // the whole trip, before the first stop
export const FIRST_STEP_MS = 600;      // playing from the overview: the first leg starts after this

export function isStopIndex(index, count) { return Number.isInteger(index) && index >= OVERVIEW && index < count; }

// How to get from one place in the story to another, or null if `to` is not a place in it.
// Only a step forward from a stop is flown along the leg; jumps and steps back cut to the stop.
export function planMove(from, to, count, options) {
  const opts = options || {};
  if (!isStopIndex(to, count)) return null;
  if (to === OVERVIEW) return {index: to, kind: 'overview', instant: !!opts.instant};
  if (to === from + 1 && from !== OVERVIEW && !opts.instant && !opts.reducedMotion) return {index: to, kind: 'leg', leg: from};
  return {index: to, kind: 'cut', instant: !!opts.instant};
}

// One step forward or back, held at the overview and the last stop; null when it would not move.
export function stepTarget(index, delta, count) {
  const target = Math.max(OVERVIEW, Math.min(count - 1, index + delta));
  return target === index ? null : target;
}

// How long a stop is shown while playing: the reader's override, else the stop's (Python resolved it).
export function dwellMs(config, index) {
  const seconds = config.start.dwell_override || (index === OVERVIEW ? config.story.dwell_seconds : config.stops[index].dwell_seconds);
  return seconds * 1000;
}

// Arrived at a stop: 'idle' (not playing), 'end' (playing, but this is the last stop: stop playing)
// or 'wait' (show it for dwellMs, then step on).
export function afterArrival(index, count, playing) {
  if (!playing) return 'idle';
  return index >= count - 1 ? 'end' : 'wait';
}

// Pressing play: from the last stop it rewinds to the overview first; then the first step comes after
// FIRST_STEP_MS from the overview or the stop's dwell.
export function startPlaying(config, index) {
  const rewind = index >= config.stops.length - 1;
  const from = rewind ? OVERVIEW : index;
  return {rewind, delayMs: from === OVERVIEW ? FIRST_STEP_MS : dwellMs(config, from)};
}

// A key press as an action: {type: 'step', delta} | {type: 'goto', index} | {type: 'toggle'} |
// {type: 'help'} (the keyboard help), or null
// (not ours: leave it to the browser). `event` needs key, the modifier flags and target.
export function keyAction(event, index, count) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return null;
  const target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return null;
  const key = event.key;
  if (key === 'ArrowRight' || key === 'PageDown') return {type: 'step', delta: 1};
  if (key === 'ArrowLeft' || key === 'PageUp') return {type: 'step', delta: -1};
  if (key === 'Home') return {type: 'goto', index: index === 0 ? OVERVIEW : 0};
  if (key === 'End') return {type: 'goto', index: count - 1};
  if (key === '?') return {type: 'help'};
  if (key === ' ' || key === 'Spacebar') {
    if (target && target.tagName === 'BUTTON') return null;   // Space on a button presses that button
    return {type: 'toggle'};
  }
  return null;
}

// Where the story starts: the config's start stop (by id), else the overview.
export function initialIndex(config) {
  if (!config.start.stop) return OVERVIEW;
  return config.stops.findIndex((s) => s.id === config.start.stop);
}

// What a stop shows in turn during its dwell in presentation mode: each quote, then each "sources
// differ" note, each for a share of the dwell in proportion to its length (Python made the dwell long
// enough to read them all). A stop with nothing to show has one item, its title card.
export function dwellItems(stop) {
  const items = stop.quotes.map((quote, index) => ({kind: 'quote', index, chars: quote.text.length + quote.attribution.length}));
  stop.sources_differ.forEach((note, index) => items.push({kind: 'note', index, chars: note.note.length}));
  return items.length ? items : [{kind: 'none', index: 0, chars: 1}];
}

// The item shown `elapsedMs` into a dwell of `totalMs`, and the dwell's progress (0-1).
export function dwellAt(items, totalMs, elapsedMs) {
  const total = items.reduce((sum, item) => sum + item.chars, 0);
  const progress = Math.min(1, Math.max(0, elapsedMs / Math.max(1, totalMs)));
  let reached = 0;
  for (let i = 0; i < items.length; i += 1) {
    reached += items[i].chars / total;
    if (progress < reached - 1e-9) return {item: i, progress};
  }
  return {item: items.length - 1, progress};
}

// After the last stop's dwell while playing: in presentation mode the end card (credits) is shown;
// with ?loop=1 (a kiosk) the story then starts again from the whole trip, else playing stops.
export function afterLast(mode, loop) { return {endCard: mode === 'present', loop: !!loop}; }
