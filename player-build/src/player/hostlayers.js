// A host app's own layers (storymap.streamlit's `layers=[pdk.Layer(...)]`), as pydeck serializes them:
// `@@type` names a deck.gl class, props are camelCase, accessors are `@@=` expressions. @deck.gl/json's
// converter turns that into layers without eval (accessors are compiled by our own small grammar), so the
// export's CSP still holds. Only the classes below can be named; any other `@@type` is a failure the
// reader can see, never a silently missing layer. `D` is window.deckgl.
import {Unusable, isObject} from './config.js';
import {ALLOWED_LAYERS, convertLayer, makeConverter} from './storylayers.js';
// The same classes, converter and accessor grammar as the story's own layers (storylayers.js).
export const HOST_LAYER_CLASSES = ALLOWED_LAYERS;
// Host layers' ids get this prefix, so none can replace one of the player's own layers.
export const HOST_ID_PREFIX = 'host-';

function unknownTypes(json) {
  return json.map((layer) => layer && layer['@@type']).filter((type) => !HOST_LAYER_CLASSES.includes(type));
}

export function hostLayers(D, json) {
  if (json === undefined || json === null) return [];
  if (!Array.isArray(json) || !json.every(isObject)) throw new Unusable('host_layers: expected a list of layers as pydeck writes them');
  if (json.length === 0) return [];
  const unknown = unknownTypes(json);
  if (unknown.length) {
    throw new Unusable('host_layers: ' + unknown.map(String).join(', ') + ' is not one of ' + HOST_LAYER_CLASSES.join(', '));
  }
  const converter = makeConverter(D);
  return json.map((layer, i) => {
    const id = HOST_ID_PREFIX + (layer.id === undefined ? i : layer.id);
    try {
      return convertLayer(converter, {id, deck: Object.assign({}, layer, {id})});
    } catch (error) {
      throw new Unusable('host_layers: ' + id + ': ' + error.message);
    }
  });
}

// Where host layers go among the player's: over the basemap, under the route (and everything above it).
export function withHostLayers(layers, host) {
  if (!host || host.length === 0) return layers;
  const at = layers.findIndex((layer) => layer.id === 'route-ahead');
  if (at < 0) return layers.concat(host);
  return layers.slice(0, at).concat(host, layers.slice(at));
}

// The whole-trip camera a host asks for (pydeck's ViewState), or null: the player fits the trip itself.
export function hostView(view) {
  if (view === undefined || view === null) return null;
  const ok = isObject(view) && ['latitude', 'longitude', 'zoom'].every((k) => Number.isFinite(view[k]));
  if (!ok) throw new Unusable('host_view: expected {latitude, longitude, zoom} numbers');
  return {latitude: view.latitude, longitude: view.longitude, zoom: view.zoom,
    pitch: Number.isFinite(view.pitch) ? view.pitch : 0, bearing: Number.isFinite(view.bearing) ? view.bearing : 0};
}
