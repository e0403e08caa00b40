// The reader's place in the URL: ?stop=<id> on the Streamlit page, #stop=<id> in the export.
// Pure: no DOM, importable by node.

// The stop id in an export's hash ('#stop=komsomolsk'), or null.
export function stopFromHash(hash) {
  return new URLSearchParams(String(hash || '').replace(/^#/, '')).get('stop') || null;
}

// The hash for a stop, or null for the overview (the hash is then removed).
export function hashFor(stopId) { return stopId ? '#stop=' + encodeURIComponent(stopId) : null; }

// The page URL with ?stop= set to this stop, or removed for the overview; other parameters stay.
export function withStopParam(href, stopId) {
  const url = new URL(href);
  if (stopId) url.searchParams.set('stop', stopId); else url.searchParams.delete('stop');
  return url.toString();
}
