// storymap player, the entry of the bundle storymap/player/player.js (built by player-build/build-player.mjs).
// One file serves two hosts: inside Streamlit (hosts/streamlit.js) and the static export
// (hosts/standalone.js, when the page holds an inline <script id="storymap-config">).
// #storymap's data-state is the player's readiness: 'loading' | 'ready' | 'failed'. The whole start-up
// runs inside one error handler (runtime.js): a config, route or basemap it cannot draw, or any
// exception, shows a role=alert paragraph saying why (data-state 'failed'), never a blank frame.
// window.storymapState is the player's state, read by the browser tests and the benchmarks.
import * as player from './runtime.js';
import {installStandalone} from './hosts/standalone.js';
import {installStreamlit} from './hosts/streamlit.js';

window.storymapState = player.state;
document.addEventListener('keydown', player.onKey);
window.addEventListener('resize', player.onResize);

const inline = document.getElementById('storymap-config');
if (inline) installStandalone(player, inline);
else installStreamlit(player);
