// The deck.gl surface the storymap player uses, and nothing else (esbuild tree-shakes the rest).
// The layer classes a story may name in `layers:` are exported here so @deck.gl/json's converter can
// resolve them; the list is storymap/layers.py's ALLOWED_LAYERS and must stay the same.
export {Deck, MapView, FlyToInterpolator, LinearInterpolator, WebMercatorViewport} from '@deck.gl/core';
export {
  ArcLayer, ColumnLayer, GeoJsonLayer, IconLayer, PathLayer, PolygonLayer, ScatterplotLayer, TextLayer,
} from '@deck.gl/layers';
export {TripsLayer} from '@deck.gl/geo-layers';
export {HeatmapLayer} from '@deck.gl/aggregation-layers';
export {PathStyleExtension} from '@deck.gl/extensions';
export {JSONConverter, JSONConfiguration} from '@deck.gl/json';
