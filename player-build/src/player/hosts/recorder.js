// The export opened with #clock=manual, for `storymap video`: the player's clock (clock.js) stands
// still until the host (headless Chromium, storymap/video.py) advances it, one video frame at a time,
// through window.storymapClock. Each advance draws the deck once and says whether anything on screen
// changed, so the host can reuse the last screenshot while the map rests. CSS transitions (the names'
// fade-in) are paused and stepped on the same clock. Nothing here reads the real time.
import {manualClock, useClock} from '../clock.js';
import {playbackPlan, routeTimeAt} from '../plan.js';

export function wantsManualClock(hash) {
  return new URLSearchParams(String(hash || '').replace(/^#/, '')).get('clock') === 'manual';
}

// The words a video cannot act on: nobody presses a key in it.
export function forVideo(config) {
  config.start.mode = 'present';
  config.ui.press_to_begin = '';
  return config;
}

export function installRecorder(player) {
  const clock = useClock(manualClock());
  const {state} = player;
  const started = new WeakMap();   // each CSS transition -> the clock's time when it was first seen
  const observer = new MutationObserver(() => {});
  let drawn = -1;

  // A change to something drawn (the dwell's bar is hidden in a video, yet moves ten times a second).
  const shows = (record) => {
    const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    return !!node && (!node.checkVisibility || node.checkVisibility());
  };

  // Every running CSS animation, paused and set to the clock; true when one is still running.
  function stepAnimations() {
    let running = false;
    for (const animation of document.getAnimations()) {
      if (!started.has(animation)) { started.set(animation, clock.now()); animation.pause(); }
      animation.currentTime = clock.now() - started.get(animation);
      running = true;
    }
    return running;
  }

  // Draw what the advance changed; `changed` is true when the picture may differ from the last one.
  function frame() {
    const animated = stepAnimations();
    if (state.deck) state.deck.redraw();    // draws only when a layer or the view changed
    const mutated = observer.takeRecords().some(shows);
    const changed = state.frames !== drawn || animated || mutated;
    const why = {drawn: state.frames !== drawn, animated, mutated};
    drawn = state.frames;
    return {time: clock.now(), changed, why, index: state.index, end: !!state.endCard, frames: state.frames};
  }

  window.storymapClock = Object.freeze({
    // {dwell_seconds, play}: the plan of the whole video; with play (the default) autoplay starts
    // after the title's segment.
    start(options) {
      const opts = options || {};
      if (opts.dwell_seconds) state.config.start.dwell_override = opts.dwell_seconds;
      const plan = playbackPlan(state.config);
      if (opts.play !== false) clock.setTimeout(() => player.setPlaying(true), plan.segments[0].ms);
      observer.observe(document.getElementById('storymap'), {subtree: true, childList: true, attributes: true, characterData: true});
      return Object.assign(plan, {first: frame()});
    },
    advance(ms) { clock.advance(ms); return frame(); },
    // The GIF: `ms` later, the whole trip with its route drawn to `progress` (0-1, each leg an equal share).
    route(progress, ms) {
      clock.advance(ms);
      player.showRouteAt(state.route.features.length ? routeTimeAt(state.route.features, progress) : 0);
      return frame();
    },
    pending: () => clock.pending(),
  });
}
