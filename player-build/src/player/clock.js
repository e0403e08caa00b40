// The player's one source of time: every animation (a leg's flight and trail, a jump's camera move,
// the dwell at a stop, the end card, the fades of the map's names) reads the time and waits through
// `clock`. The real clock is the browser's (performance.now, setTimeout, requestAnimationFrame). The
// manual clock (`storymap video`, the export opened with #clock=manual) stands still until the host
// advances it; each advance runs the timers that fall due in time order, then one frame: the same
// frames on every machine, however slow its screenshots are. Pure apart from `realClock`'s browser
// globals, importable by node.

export function realClock(win) {
  return {
    manual: false,
    now: () => win.performance.now(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (id) => win.clearTimeout(id),
    requestFrame: (fn) => win.requestAnimationFrame(fn),
    cancelFrame: (id) => win.cancelAnimationFrame(id),
    // Work for when the reader is idle (the picking pass, the trail's shader).
    idle: (fn) => (win.requestIdleCallback ? win.requestIdleCallback(fn, {timeout: 2000}) : win.setTimeout(fn, 200)),
  };
}

// A timer that re-arms itself at +0 ms forever would never let an advance end.
export const MAX_TIMERS_PER_ADVANCE = 100000;

export function manualClock() {
  let now = 0;
  let ids = 0;
  const timers = new Map();    // id -> {due, fn}; ids grow, so equal due times fire in the order they were set
  let frames = new Map();      // id -> fn, run once at the end of the next advance
  const earliest = (limit) => {
    let found = null;
    for (const [id, timer] of timers) if (timer.due <= limit && (!found || timer.due < found.due)) found = {id, ...timer};
    return found;
  };
  const clock = {
    manual: true,
    now: () => now,
    setTimeout(fn, ms) { ids += 1; timers.set(ids, {due: now + Math.max(0, Number(ms) || 0), fn}); return ids; },
    clearTimeout(id) { timers.delete(id); },
    requestFrame(fn) { ids += 1; frames.set(ids, fn); return ids; },
    cancelFrame(id) { frames.delete(id); },
    idle(fn) { return clock.setTimeout(fn, 0); },
    pending: () => ({timers: timers.size, frames: frames.size}),
    // Move time on by `ms`: the timers due meanwhile fire, each at its own time, then one frame runs at
    // the new time. Returns the new time.
    advance(ms) {
      const target = now + Math.max(0, Number(ms) || 0);
      for (let fired = 0; ; fired += 1) {
        const next = earliest(target);
        if (!next) break;
        if (fired >= MAX_TIMERS_PER_ADVANCE) throw new Error('clock: timers keep re-arming at the same time');
        timers.delete(next.id);
        now = next.due;
        next.fn();
      }
      now = target;
      const due = frames;
      frames = new Map();
      for (const fn of due.values()) fn(now);
      return now;
    },
  };
  return clock;
}

let current = typeof window === 'undefined' ? null : realClock(window);

// The clock every module uses; `useClock` swaps what is behind it (once, before the player starts).
export const clock = {
  get manual() { return !!current && current.manual; },
  now: () => current.now(),
  setTimeout: (fn, ms) => current.setTimeout(fn, ms),
  clearTimeout: (id) => current.clearTimeout(id),
  requestFrame: (fn) => current.requestFrame(fn),
  cancelFrame: (id) => current.cancelFrame(id),
  idle: (fn) => current.idle(fn),
};

export function useClock(impl) { current = impl; return impl; }
