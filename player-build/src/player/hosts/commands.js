// Commands from a host page (the static export's postMessage API, iframe embeds): the documented
// commands only, with bounded arguments; each field is read once, and anything else is ignored. No
// command carries story content: they move the reader, nothing more. readCommand and the token
// bucket are pure (the clock is passed in), importable by node.
import {isObject} from '../config.js';
import {OVERVIEW} from '../state.js';

// A stop id is at most this long (as MAX_QUERY_VALUE_CHARS in storymap/limits.py), and at most
// COMMAND_BURST commands are applied at once, refilled at COMMANDS_PER_SECOND; the rest of a flood is
// dropped unread.
export const MAX_STOP_ID_CHARS = 100;
export const COMMANDS_PER_SECOND = 20;
export const COMMAND_BURST = 20;
const SIMPLE = ['storymap:play', 'storymap:pause', 'storymap:next', 'storymap:previous'];

// {type} or {type: 'storymap:goto', index}, or null for anything that is not a documented command.
export function readCommand(data, stops) {
  if (!isObject(data)) return null;
  const type = data.type;
  if (SIMPLE.includes(type)) return {type: type};
  if (type !== 'storymap:goto') return null;
  const stop = data.stop;
  if (stop === null) return {type: type, index: OVERVIEW};
  if (typeof stop === 'string') {
    if (stop.length === 0 || stop.length > MAX_STOP_ID_CHARS) return null;
    const index = stops.findIndex((s) => s.id === stop);
    return index >= 0 ? {type: type, index: index} : null;
  }
  if (stop !== undefined) return null;
  const index = data.index;
  return Number.isInteger(index) && index >= 0 && index < stops.length ? {type: type, index: index} : null;
}

// A token bucket: a host's clicks pass untouched; in a flood, once the bucket is empty, each
// message costs one subtraction and is dropped unread. `now()` is in milliseconds.
export function createBucket(now) {
  const bucket = {tokens: COMMAND_BURST, at: now()};
  return {
    refill() {
      const t = now();
      bucket.tokens = Math.min(COMMAND_BURST, bucket.tokens + (t - bucket.at) * COMMANDS_PER_SECOND / 1000);
      bucket.at = t;
      return bucket.tokens >= 1;
    },
    spend() { bucket.tokens -= 1; },
    get tokens() { return bucket.tokens; },
  };
}

// The message handler: counts what became of each message in state.messages.
export function commandHandler(state, player, now) {
  const bucket = createBucket(now);
  return function onCommand(event) {
    const counts = state.messages;
    if (!state.ready || !event.isTrusted) { counts.ignored += 1; return; }
    if (!bucket.refill()) { counts.dropped += 1; return; }
    let command = null;
    try { command = readCommand(event.data, state.config.stops); } catch (error) { command = null; }
    if (!command) { counts.ignored += 1; return; }
    bucket.spend();
    counts.accepted += 1;
    if (command.type === 'storymap:goto') player.goTo(command.index);
    else if (command.type === 'storymap:play') player.setPlaying(true);
    else if (command.type === 'storymap:pause') player.setPlaying(false);
    else if (command.type === 'storymap:next') player.step(1);
    else if (command.type === 'storymap:previous') player.step(-1);
  };
}
