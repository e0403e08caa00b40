// The static export: the story is inline (a JSON <script id="storymap-config">), read once inside
// the start-up's error handler; the stop is kept in location.hash (#stop=<id>); a host page may drive
// it with postMessage, the documented commands only, with bounded arguments, rate-limited (commands.js).
// Messages from anywhere may only navigate it.
import {parseConfigText} from '../config.js';
import {startFromHash, stopFromHash, withStopHash} from '../url.js';
import {commandHandler} from './commands.js';
import {forVideo, installRecorder, wantsManualClock} from './recorder.js';

export function installStandalone(player, inline) {
  const {state} = player;
  const recording = wantsManualClock(location.hash);
  if (recording) installRecorder(player);   // before anything reads the clock
  player.useHost({
    name: 'standalone',
    setFrameHeight() {},
    syncUrl(stopId, index) {
      const hash = withStopHash(location.hash, stopId);
      history.replaceState(null, '', hash === null ? location.pathname + location.search : hash);
      if (window.parent !== window) {
        window.parent.postMessage({type: 'storymap:stopchange', story: state.config.story.id, stop: stopId, index: index}, '*');
      }
    },
    announceReady(config) {
      if (window.parent !== window) {
        window.parent.postMessage({type: 'storymap:ready', story: config.story.id,
                                   stops: config.stops.map((s) => ({id: s.id, name: s.name}))}, '*');
      }
    },
  });
  window.addEventListener('message', commandHandler(state, player, () => performance.now()));
  player.start(() => {
    const config = parseConfigText(inline.textContent);
    const wanted = stopFromHash(location.hash);
    if (wanted && config.stops.some((s) => s.id === wanted)) config.start.stop = wanted;
    const how = startFromHash(location.hash);
    if (how.mode) config.start.mode = how.mode;
    if (how.loop) config.start.loop = true;
    if (how.autoplay) config.start.autoplay = true;
    return recording ? forVideo(config) : config;
  });
}
