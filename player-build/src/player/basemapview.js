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

export function prepareLevels(state) {
  state.levelStarts = levelStarts(state.basemap);
  state.levels = basemapLevels(state.basemap.features, state.levelStarts);
  state.levelsMade = new Set();
}

// The basemap's layers for the current zoom: the current level's, and the hidden ones of levels drawn
// before. No outlines on areas: a level's land is cut along its region's edges, and an outline would
// draw them.
export function basemapLayers(D, state) {
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
  for (const level of [...state.levelsMade].sort()) {
    layers.push(new D.GeoJsonLayer({id: 'lines-' + level, data: state.levels[level].lines, stroked: true, filled: false,
      visible: level === current, getLineColor: colors.river, getLineWidth: 1.5, lineWidthUnits: 'pixels', pickable: false}));
  }
  // Borders over rivers (borders.js): a border along the Amur stays visible on the water.
  for (const level of [...state.levelsMade].sort()) {
    layers.push(...borderLayers(D, state.levels[level].borders, colors, {id: '-' + level, visible: level === current}));
  }
  return layers;
}
