// The timeline's day labels thin out when they would not fit: a trip of 30 days on a 320-px phone
// shows every third or fourth day, evenly, instead of 30 labels printed over each other.
// thinLabels is pure; thinTimeline reads the drawn widths and hides the labels left out.

export const LABEL_GAP_PX = 6;

// Which of the labels at `xs` (pixels, ascending) to show, each `width` px wide, left-aligned at its x:
// every n-th, the smallest n for which neighbours do not touch (an even rhythm reads as a scale).
export function thinLabels(xs, width, widthPx) {
  if (xs.length < 2) return xs.map(() => true);
  const spacing = Math.min(...xs.slice(1).map((x, i) => x - xs[i]));
  const every = Math.max(1, Math.ceil((width + LABEL_GAP_PX) / Math.max(1e-9, spacing)));
  return xs.map((x, i) => i % every === 0 && x + width <= widthPx + 1);
}

// After the timeline is drawn, and on every resize.
export function thinTimeline(state) {
  const labels = state.els.dayLabels || [];
  const svg = state.els.timeline;
  if (!labels.length || !svg) return;
  const left = svg.getBoundingClientRect().left;
  for (const label of labels) label.style.visibility = '';
  const boxes = labels.map((label) => label.getBoundingClientRect());
  const width = Math.max(...boxes.map((box) => box.width));
  const shown = thinLabels(boxes.map((box) => box.left - left), width, svg.getBoundingClientRect().width);
  labels.forEach((label, i) => { label.style.visibility = shown[i] ? '' : 'hidden'; });
}
