// The player's one state object (window.storymapState): what the runtime, the map and the tests read.
import {OVERVIEW} from './state.js';

const motionQuery = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)');
export const state = {
  config: null, route: null, basemap: null, index: OVERVIEW, playing: false, playTimer: null,
  time: 0, animation: null, viewState: null, zoom: 4, deck: null, host: 'standalone', mode: 'page',
  reducedMotion: !!motionQuery && motionQuery.matches,
  frames: 0, els: {}, colors: {}, ready: false, failure: null, run: 0,
  messages: {accepted: 0, ignored: 0, dropped: 0, refused: 0},   // what became of each message received
  timings: {script: performance.now()},   // ms since this document started loading (for the benchmarks)
};

// A reader who turns on reduced motion while reading (or a presenter, mid-talk) gets cuts from the next
// step on, without reloading the story.
if (motionQuery && motionQuery.addEventListener) {
  motionQuery.addEventListener('change', (event) => { state.reducedMotion = event.matches; });
}
