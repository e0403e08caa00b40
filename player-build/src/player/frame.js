// The geographic frame's names: which country and sea names the map writes, and at which of their
// curated label points (storymap/frame-labels.yaml, sent as config.frame). Pure, importable by node.
// A name is written once: of its points whose zoom band holds the view's zoom, the one nearest the
// view's centre that is on the map. Nearest the centre, so at Khasan "Russia" is written beside the
// border station and at the overview across the Amur, not at a corner of a country half off screen.

// The label items of every name whose band holds `zoom`: one per point, grouped by the name's id
// (labels.js writes at most one of each group). Countries come before seas: when space is short the
// countries are the frame.
export function frameItems(frame, zoom) {
  const items = [];
  if (!frame) return items;
  for (const place of frame.countries.concat(frame.seas)) {
    for (const point of place.points) {
      if (zoom >= point.minzoom && zoom < point.maxzoom) {
        items.push({position: point.position, text: place.name, kind: 'frame ' + place.kind, group: place.id});
      }
    }
  }
  return items;
}

// The zoom bands in use at `zoom`, as a key: the frame's items change only when it changes.
export function frameKey(frame, zoom) {
  if (!frame) return '';
  const bits = [];
  for (const place of frame.countries.concat(frame.seas)) {
    place.points.forEach((point, i) => { if (zoom >= point.minzoom && zoom < point.maxzoom) bits.push(place.id + i); });
  }
  return bits.join(',');
}

// Of labels [{item: {group}, x, y}] (screen pixels), those to lay out: every label without a group,
// and per group the one nearest the centre of a width x height map whose point is on it (a margin in).
export function nearestPerGroup(labels, width, height, margin) {
  const best = new Map();
  const cx = width / 2;
  const cy = height / 2;
  for (const label of labels) {
    const group = label.item.group;
    if (!group) continue;
    const on = label.x >= margin && label.x <= width - margin && label.y >= margin && label.y <= height - margin;
    if (!on) continue;
    const d = Math.hypot(label.x - cx, label.y - cy);
    if (!best.has(group) || d < best.get(group).d) best.set(group, {label, d});
  }
  const chosen = new Set([...best.values()].map((b) => b.label));
  return labels.filter((label) => !label.item.group || chosen.has(label));
}
