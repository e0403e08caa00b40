// The deck.gl surface the storymap player uses, and nothing else (esbuild tree-shakes the rest).
export {Deck, MapView, FlyToInterpolator, LinearInterpolator, WebMercatorViewport} from '@deck.gl/core';
export {GeoJsonLayer, PathLayer, ScatterplotLayer} from '@deck.gl/layers';
export {TripsLayer} from '@deck.gl/geo-layers';
