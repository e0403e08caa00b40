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
        // Centred (the gap is set to minus half the height once measured), or ending at the point.
        const centred = !point.side || point.side === 'center';
        items.push({position: point.position, text: place.name, kind: 'frame ' + place.kind, group: place.id,
                    sides: [centred ? 'below' : point.side], gap: 0, centred});
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

// Labels [{item: {group}, x, y}] (screen pixels) in the order to lay them out: every label without a
// group where it was; a group's labels whose point is on the width x height map (a margin in), nearest
// the centre first, in the slots the group had. collide.js layoutLabels then writes the first of each
// group that fits and skips the rest.
export function nearestFirst(labels, width, height, margin) {
  const cx = width / 2;
  const cy = height / 2;
  const on = (l) => l.x >= margin && l.x <= width - margin && l.y >= margin && l.y <= height - margin;
  const sorted = new Map();
  for (const label of labels) {
    const group = label.item.group;
    if (!group || !on(label)) continue;
    if (!sorted.has(group)) sorted.set(group, []);
    sorted.get(group).push(label);
  }
  for (const list of sorted.values()) list.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy));
  const next = new Map([...sorted.keys()].map((g) => [g, 0]));
  const out = [];
  for (const label of labels) {
    const group = label.item.group;
    if (!group) out.push(label);
    else if (on(label)) {
      const i = next.get(group);
      next.set(group, i + 1);
      out.push(sorted.get(group)[i]);
    }
  }
  return out;
}
