// Inside Streamlit (a components.v1 iframe): the page sends the story as render args; the player
// keeps the top page's URL (?story=&stop=) in step with the reader, with no server rerun per step.
// Only the app itself, the parent window on this same origin, may talk to the player: any other
// window holding a reference to the app (a frame or popup on another origin, or another frame of
// the app) is refused before its message is read. Streamlit's component protocol is these three
// messages: componentReady, setFrameHeight and (when asked) setComponentValue out, render in.
import {isObject, parseRenderedConfig} from '../config.js';
import {withStopParam} from '../url.js';
import {commandHandler} from './commands.js';
import {renderKey, sameValue, startValue, stopValue} from './component.js';

// The frame is one window of the page tall, in every mode and at every width: the panel scrolls
// inside it, so the map, the chapter and Previous/Next stay on screen together, and stepping never
// leaves the frame at a height that cuts off the end of the story (a frame that followed its
// content kept its first height on phones). Below MIN_FRAME_HEIGHT (a phone on its side) the page
// scrolls instead.
const FRAME_HEIGHT = 720;
const MIN_FRAME_HEIGHT = 420;

export function frameHeight(windowHeight) {
  const height = Number.isFinite(windowHeight) && windowHeight > 0 ? windowHeight : FRAME_HEIGHT;
  return Math.max(MIN_FRAME_HEIGHT, Math.round(height));
}

function postToStreamlit(type, extra) {
  window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
}

function applyTheme(theme) {
  if (!isObject(theme)) return;
  const root = document.documentElement;
  root.dataset.theme = theme.base === 'dark' ? 'dark' : 'light';
  const map = {backgroundColor: '--bg', textColor: '--text', primaryColor: '--accent'};
  for (const [key, name] of Object.entries(map)) {
    const value = theme[key];
    if (typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)) root.style.setProperty(name, value);
  }
  root.style.setProperty('--panel', 'var(--bg)');
}

export function installStreamlit(player) {
  const {state} = player;
  player.useHost({
    name: 'streamlit',
    setFrameHeight() {
      let height;
      try { height = window.parent.innerHeight; } catch (error) { height = FRAME_HEIGHT; }
      postToStreamlit('streamlit:setFrameHeight', {height: frameHeight(height)});
    },
    syncUrl(stopId, index) {
      const config = state.config;
      if (config && config.start.report_stop) {
        // One rerun of the host app per change of stop, and none for arriving where Python said we start.
        const value = stopValue(config, index);
        if (!sameValue(value, reported)) {
          reported = value;
          postToStreamlit('streamlit:setComponentValue', {value, dataType: 'json'});
        }
      }
      if (config && config.start.sync_url === false) return;   // another app's URL is its own
      try {  // same origin as the app: keep the reader's URL shareable without a server rerun
        const top = window.parent;
        top.history.replaceState(top.history.state, '', withStopParam(top.location.href, stopId));
      } catch (error) { /* a cross-origin embed: the URL cannot follow, the story still works */ }
    },
    announceReady() {},
  });
  const onCommand = commandHandler(state, player, () => performance.now());
  let renderedKey = null;
  let reported = null;   // the stop value Streamlit holds now
  const fromHost = (event) => event.isTrusted && window.parent !== window && event.source === window.parent &&
    event.origin === window.location.origin;
  window.addEventListener('message', (event) => {
    if (!fromHost(event)) { state.messages.refused += 1; return; }
    const data = event.data;
    if (!isObject(data) || data.type !== 'streamlit:render') { onCommand(event); return; }
    try { applyTheme(data.theme); } catch (error) { /* the theme is decoration: the story still shows */ }
    let config;
    try {
      config = parseRenderedConfig(data.args);
    } catch (error) {
      renderedKey = null;
      state.run = (state.run || 0) + 1;   // a start-up still loading must not replace this failure
      player.showFailure(error, null);
      return;
    }
    const key = renderKey(config);
    // A rerun with the same story keeps the reader's place (unless the last start-up failed: try again);
    // the host's own layers and view are replaced in place.
    if (key === renderedKey && !state.failure) {
      if (state.ready) player.updateHost(config);
      player.setFrameHeight();
      return;
    }
    // The first story starts where Python's default value says; a story replaced in this frame (an
    // edit while previewing) reports its first stop whatever it is, since Streamlit may hold an older one.
    reported = renderedKey === null ? startValue(config) : null;
    renderedKey = key;
    player.start(() => config);
  });
  try {  // keyboard works even when focus is on the Streamlit page around the iframe
    if (window.parent !== window && window.parent.document) window.parent.document.addEventListener('keydown', player.onKey);
    // The page's window changes size (a phone turned, a browser window resized): the frame follows.
    if (window.parent !== window) window.parent.addEventListener('resize', () => player.setFrameHeight());
  } catch (error) { /* cross-origin parent */ }
  postToStreamlit('streamlit:componentReady', {apiVersion: 1});
}
