// Writes storymap/layer_props.json: for each layer class a story may name (storymap/layers.py
// ALLOWED_LAYERS, src/deck-entry.js), the deck.gl props an author may set, read from deck.gl's own
// defaultProps so a typo in a story is caught against the real list. `node layer-props.mjs [outfile]`;
// test/storylayers.test.js checks the committed file is what this writes.
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as layers from '@deck.gl/layers';
import {HeatmapLayer} from '@deck.gl/aggregation-layers';

export const ALLOWED = ['ArcLayer', 'ColumnLayer', 'GeoJsonLayer', 'HeatmapLayer', 'IconLayer', 'PathLayer',
  'PolygonLayer', 'ScatterplotLayer', 'TextLayer'];
// Set by the player, or not data: callbacks, loading, transforms, the layer's place in the deck.
const NOT_AUTHORED = new Set(['data', 'id', 'visible', 'fetch', 'loaders', 'loadOptions', 'dataTransform',
  'dataComparator', 'extensions', 'modelMatrix', 'operation', 'updateTriggers', 'transitions', 'coordinateOrigin',
  'coordinateSystem', 'parameters', 'colorFormat', 'highlightedObjectIndex', 'onClick', 'onHover', 'onDrag',
  'onDragStart', 'onDragEnd', 'onDataLoad', 'onError', 'onIconError', 'positionFormat', 'textureParameters',
  'material', 'getContentBox', 'getPolygonOffset']);

export function layerProps() {
  const classes = {...layers, HeatmapLayer};
  const out = {};
  for (const name of ALLOWED) {
    const keys = new Set();
    for (let c = classes[name]; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      if (Object.prototype.hasOwnProperty.call(c, 'defaultProps')) Object.keys(c.defaultProps).forEach((k) => keys.add(k));
    }
    out[name] = [...keys].filter((k) => !k.startsWith('_') && !NOT_AUTHORED.has(k)).sort();
  }
  return JSON.stringify(out, null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(process.argv[2] || fileURLToPath(new URL('../storymap/layer_props.json', import.meta.url)), layerProps());
}
