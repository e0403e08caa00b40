// Where names go on screen, so none is cut by the map's edge and none covers another. Labels are
// placed in priority order (the current stop, the other stops, then towns); each tries its anchors in
// turn and takes the first box that lies inside the map and meets no box already taken. Markers are
// obstacles too. Stops too close to tell apart are drawn as one cluster with a count. Pure: boxes
// are {x, y, w, h} in pixels, a viewport is {width, height, project}; importable by node.

export const EDGE_PX = 3;          // a label keeps this far from the map's edge
export const GAP_PX = 10;          // between a marker's centre and its label
export const CLUSTER_PX = 26;      // markers closer than this (centre to centre) are one cluster
export const SPACE_PX = 3;         // between two names: touching names read as one ("ChangchunJilin")

export function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }

export function inside(box, width, height) {
  return box.x >= EDGE_PX && box.y >= EDGE_PX && box.x + box.w <= width - EDGE_PX && box.y + box.h <= height - EDGE_PX;
}

// The box of a w x h label anchored at (x, y) on `side` of its point.
export function anchorBox(side, x, y, w, h, gap) {
  if (side === 'right') return {x: x + gap, y: y - h / 2, w, h};
  if (side === 'left') return {x: x - gap - w, y: y - h / 2, w, h};
  if (side === 'above') return {x: x - w / 2, y: y - gap - h, w, h};
  return {x: x - w / 2, y: y + gap, w, h};   // below
}

// Pulled inside the map (for a label that must show even where no side fits).
export function clampBox(box, width, height) {
  const x = Math.min(Math.max(EDGE_PX, box.x), Math.max(EDGE_PX, width - EDGE_PX - box.w));
  const y = Math.min(Math.max(EDGE_PX, box.y), Math.max(EDGE_PX, height - EDGE_PX - box.h));
  return {x, y, w: box.w, h: box.h};
}

// labels: [{x, y, w, h, sides, gap, must, group}] in priority order; obstacles: boxes nothing may cover.
// Returns one {box, side} or null (not shown) per label. A `must` label whose point is on the map
// is always shown: on its first side that fits, else pulled inside the map on its first side. Of
// labels with the same `group` (one name at several points) only the first that fits is shown.
export function layoutLabels(labels, width, height, obstacles) {
  const taken = obstacles.slice();
  const written = new Set();
  const free = (box) => {
    const spaced = {x: box.x - SPACE_PX, y: box.y, w: box.w + 2 * SPACE_PX, h: box.h};
    return inside(box, width, height) && !taken.some((other) => overlaps(spaced, other));
  };
  return labels.map((label) => {
    if (!(label.x >= 0 && label.x <= width && label.y >= 0 && label.y <= height)) return null;
    if (label.group && written.has(label.group)) return null;
    for (const side of label.sides) {
      const box = anchorBox(side, label.x, label.y, label.w, label.h, label.gap);
      if (free(box)) {
        taken.push(box);
        if (label.group) written.add(label.group);
        return {box, side};
      }
    }
    if (!label.must) return null;
    const box = clampBox(anchorBox(label.sides[0], label.x, label.y, label.w, label.h, label.gap), width, height);
    taken.push(box);
    return {box, side: label.sides[0]};
  });
}

// A marker's box (an obstacle for labels): `radius` px around its centre.
export function markerBox(x, y, radius) { return {x: x - radius, y: y - radius, w: 2 * radius, h: 2 * radius}; }

// Stops whose markers would pile up at this zoom become clusters: {singles: [stop], clusters:
// [{position, members: [stop], count}]}. The current stop always stands alone. Greedy in index order:
// a stop joins the first cluster (or single) whose first marker is within CLUSTER_PX.
export function clusterStops(stops, currentIndex, project) {
  const groups = [];
  for (const stop of stops) {
    const [x, y] = project(stop.position);
    const group = stop.index === currentIndex ? null :
      groups.find((g) => g.current === false && Math.hypot(g.x - x, g.y - y) < CLUSTER_PX);
    if (group) group.members.push(stop);
    else groups.push({x, y, members: [stop], current: stop.index === currentIndex});
  }
  const singles = [];
  const clusters = [];
  for (const g of groups) {
    if (g.members.length === 1) { singles.push(g.members[0]); continue; }
    const lon = g.members.reduce((sum, s) => sum + s.position[0], 0) / g.members.length;
    const lat = g.members.reduce((sum, s) => sum + s.position[1], 0) / g.members.length;
    clusters.push({position: [lon, lat], members: g.members, count: g.members.length});
  }
  return {singles, clusters};
}
