// The player as a Streamlit component in any app (storymap/streamlit.py storymap_player): which render
// is the same story (the reader keeps their place), and the value sent back at each change of stop.
// Pure: no DOM.
import {OVERVIEW} from '../state.js';

// A render with the same key is the same story in the same mode: a host app's rerun (its own widgets,
// or the value this player sent) must not restart it. The start state and the host's layers and view
// are left out: they change without the story changing (the reader's ?stop=, a layer following the stop).
export function renderKey(config) {
  const rest = Object.assign({}, config);
  delete rest.start;
  delete rest.host_layers;
  delete rest.host_view;
  return (config.start && config.start.mode) + '|' + JSON.stringify(rest);
}

// The component's value at `index`: {index, id}, both null for the whole trip.
export function stopValue(config, index) {
  if (index === OVERVIEW || !config.stops[index]) return {index: null, id: null};
  return {index, id: config.stops[index].id};
}

// The value Python starts from (storymap.streamlit stop_value): the start stop, so arriving there is no news.
export function startValue(config) {
  const index = config.stops.findIndex((stop) => stop.id === config.start.stop);
  return index < 0 ? {index: null, id: null} : {index, id: config.start.stop};
}

export const sameValue = (a, b) => !!a && !!b && a.index === b.index && a.id === b.id;
