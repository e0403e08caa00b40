// The reader's place in the URL: ?stop=<id> on the Streamlit page, #stop=<id> in the export.
// Pure: no DOM, importable by node.

// The stop id in an export's hash ('#stop=komsomolsk'), or null.
export function stopFromHash(hash) {
  return new URLSearchParams(String(hash || '').replace(/^#/, '')).get('stop') || null;
}

// The hash for a stop, or null for the overview (the hash is then removed).
export function hashFor(stopId) { return stopId ? '#stop=' + encodeURIComponent(stopId) : null; }

// How an export starts, from its hash, as the page's ?mode=present&autoplay=1&loop=1 do: a kiosk opens
// 'trip.html#mode=present&loop=1' from disk. Anything else is the normal page.
export function startFromHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const present = params.get('mode') === 'present';
  const loop = params.get('loop') === '1';
  return {mode: present ? 'present' : null, loop: loop, autoplay: loop || params.get('autoplay') === '1'};
}

// The export's hash with its stop set (or removed for the overview), keeping how it was started.
export function withStopHash(hash, stopId) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const kept = new URLSearchParams();
  if (stopId) kept.set('stop', stopId);
  for (const key of ['mode', 'autoplay', 'loop']) if (params.has(key)) kept.set(key, params.get(key));
  const text = kept.toString();
  return text ? '#' + text : null;
}

// The page URL with ?stop= set to this stop, or removed for the overview; other parameters stay.
export function withStopParam(href, stopId) {
  const url = new URL(href);
  if (stopId) url.searchParams.set('stop', stopId); else url.searchParams.delete('stop');
  return url.toString();
}
