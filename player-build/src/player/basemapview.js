// The basemap as drawn: a small pyramid of levels of detail (storymap/basemap.py LEVEL_MINZOOMS), one
// chosen by the zoom. Each level is one set of features made once per basemap, and each level's layers,
// once made, stay in the deck (hidden when another level is drawn): a flight that crosses a level's
// zoom then switches what is drawn without tessellating a polygon again. `D` is window.deckgl.

import {borderLayers} from './borders.js';

// The zoom each level starts at, coarsest first; a basemap from before the pyramid has two levels.
export function levelStarts(basemap) {
  const meta = basemap.storymap;
  return meta.level_minzooms && meta.level_minzooms.length ? meta.level_minzooms : [0, meta.detail_minzoom];
}

// The level drawn at `zoom`: the finest whose first zoom is reached.
export function levelAt(starts, zoom) {
  let level = 0;
  for (let i = 1; i < starts.length; i += 1) if (zoom >= starts[i]) level = i;
  return level;
}

const isArea = (f) => f.properties.layer === 'land' || f.properties.layer === 'lake';
const isRiver = (f) => f.properties.layer === 'river';
const isBorder = (f) => f.properties.layer === 'border';

// Per level, the areas and lines drawn there: every feature whose zoom range holds the level's first
// zoom (the builder cuts ranges at those zooms only).
export function basemapLevels(features, starts) {
  return starts.map((start) => {
    const shown = features.filter((f) => f.properties.minzoom <= start && start < f.properties.maxzoom);
    return {areas: shown.filter(isArea), lines: shown.filter(isRiver), borders: shown.filter(isBorder)};
  });
}

// Lines are drawn only near the view. Software WebGL (SwiftShader) runs every segment of a path layer
// through PathLayer's vertex shader on every frame, seen or not, and the basemap's rivers and borders
// cost a flight about half its frame rate (docs/architecture.md). Each level's lines are cut into
// pieces of PIECE_VERTICES, grouped into square cells half a VIEW_PX view wide at the level's finest
// zoom; a frame draws the cells whose pieces reach within a quarter view of what it shows, and keeps
// the same array while that set stays, so deck.gl packs nothing again.
export const PIECE_VERTICES = 32;
const VIEW_PX = 1400;

export function cellDegrees(starts, level) {
  const finest = level + 1 < starts.length ? starts[level + 1] : starts[level] + 1;
  return (360 * VIEW_PX / 2) / (512 * 2 ** finest);
}

// The lines of `features` as cells {key, box: [west, south, east, north], pieces}, each piece a
// LineString of up to PIECE_VERTICES sharing its end with the next one's start (no gap between them).
export function lineCells(features, cellDeg) {
  const cells = new Map();
  for (const feature of features) {
    const g = feature.geometry;
    const lines = g.type === 'LineString' ? [g.coordinates] : (g.type === 'MultiLineString' ? g.coordinates : []);
    for (const line of lines) {
      for (let i = 0; i < line.length - 1; i += PIECE_VERTICES - 1) {
        const coordinates = line.slice(i, i + PIECE_VERTICES);
        const box = [Infinity, Infinity, -Infinity, -Infinity];
        for (const [lon, lat] of coordinates) {
          box[0] = Math.min(box[0], lon); box[1] = Math.min(box[1], lat);
          box[2] = Math.max(box[2], lon); box[3] = Math.max(box[3], lat);
        }
        const key = Math.floor((box[0] + box[2]) / 2 / cellDeg) + ',' + Math.floor((box[1] + box[3]) / 2 / cellDeg);
        let cell = cells.get(key);
        if (!cell) { cell = {key, box: box.slice(), pieces: []}; cells.set(key, cell); }
        cell.box = [Math.min(cell.box[0], box[0]), Math.min(cell.box[1], box[1]), Math.max(cell.box[2], box[2]), Math.max(cell.box[3], box[3])];
        cell.pieces.push({type: 'Feature', properties: feature.properties, geometry: {type: 'LineString', coordinates}});
      }
    }
  }
  return [...cells.values()].sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)));
}

// The pieces of the cells that meet `bounds` (every cell without bounds), as {key, data}: `shown` itself
// while the set of cells is the same.
export function linesInView(shown, cells, bounds) {
  const meets = (c) => !bounds || (c.box[0] <= bounds[2] && c.box[2] >= bounds[0] && c.box[1] <= bounds[3] && c.box[3] >= bounds[1]);
  const inView = cells.filter(meets);
  const key = inView.map((c) => c.key).join(' ');
  return shown && shown.key === key ? shown : {key, data: inView.flatMap((c) => c.pieces)};
}

export function prepareLevels(state) {
  state.levelStarts = levelStarts(state.basemap);
  state.levels = basemapLevels(state.basemap.features, state.levelStarts);
  state.levelsMade = new Set();
  state.lineCells = {};
  state.linesShown = {};
}

// What `viewport` shows, a quarter view wider on every side; null without a viewport (no size yet).
function nearBounds(viewport) {
  if (!viewport) return null;
  const [west, south, east, north] = viewport.getBounds();
  const x = (east - west) / 4, y = (north - south) / 4;
  return [west - x, south - y, east + x, north + y];
}

// True when `viewport` shows more than the lines drawn cover: a pan that does not change the zoom must
// redraw the layers too, once it leaves what the last cells were chosen for.
export function linesStale(state, viewport) {
  const used = state.linesBounds;
  if (!viewport || used === undefined) return false;
  if (used === null) return true;
  const [west, south, east, north] = viewport.getBounds();
  return west < used[0] || south < used[1] || east > used[2] || north > used[3];
}

// The current level's rivers and borders near the view; other levels keep what they last drew.
function linesNearView(state, level, bounds, visible) {
  if (!state.lineCells[level]) {
    const cell = cellDegrees(state.levelStarts, level);
    state.lineCells[level] = {lines: lineCells(state.levels[level].lines, cell), borders: lineCells(state.levels[level].borders, cell)};
  }
  const shown = state.linesShown[level] || {};
  if (visible || !shown.lines) {
    state.linesShown[level] = {lines: linesInView(shown.lines, state.lineCells[level].lines, bounds),
                               borders: linesInView(shown.borders, state.lineCells[level].borders, bounds)};
  }
  return state.linesShown[level];
}

// The basemap's layers for the current zoom: the current level's, and the hidden ones of levels drawn
// before. No outlines on areas: a level's land is cut along its region's edges, and an outline would
// draw them.
// `viewport`: the view being drawn (null before the map has a size: every line is drawn).
export function basemapLayers(D, state, viewport) {
  const current = levelAt(state.levelStarts, state.zoom);
  state.levelsMade.add(current);
  state.level = current;
  const colors = state.colors;
  const layers = [];
  for (const level of [...state.levelsMade].sort()) {
    const band = state.levels[level];
    const visible = level === current;
    layers.push(new D.GeoJsonLayer({id: 'areas-' + level, data: band.areas, filled: true, stroked: false, visible,
      getFillColor: (f) => (f.properties.layer === 'land' ? colors.land : colors.sea), pickable: false}));
  }
  const bounds = nearBounds(viewport);
  state.linesBounds = bounds;
  const near = {};
  for (const level of state.levelsMade) near[level] = linesNearView(state, level, bounds, level === current);
  for (const level of [...state.levelsMade].sort()) {
    layers.push(new D.GeoJsonLayer({id: 'lines-' + level, data: near[level].lines.data, stroked: true, filled: false,
      visible: level === current, getLineColor: colors.river, getLineWidth: 1.5, lineWidthUnits: 'pixels', pickable: false}));
  }
  // Borders over rivers (borders.js): a border along the Amur stays visible on the water.
  for (const level of [...state.levelsMade].sort()) {
    layers.push(...borderLayers(D, near[level].borders.data, colors, {id: '-' + level, visible: level === current}));
  }
  return layers;
}
