// International borders, drawn unlike the route: a thin line on a wider casing of the opposite
// lightness (the route has none), in a violet-grey that is neither the route's red nor its grey, and
// above rivers (a border along the Amur stays visible on the water). The legend shows the same.
export const BORDER_PX = 1.25;
export const CASING_PX = 4;

// `level` is {id, visible}: each level of the basemap's pyramid keeps its own pair of layers.
export function borderLayers(D, borders, colors, level = {id: '', visible: true}) {
  const common = {data: borders, stroked: true, filled: false, lineWidthUnits: 'pixels', pickable: false,
                  lineJointRounded: true, lineCapRounded: true, visible: level.visible};
  return [
    new D.GeoJsonLayer(Object.assign({id: 'border-casing' + level.id, getLineColor: colors.borderCasing, getLineWidth: CASING_PX}, common)),
    new D.GeoJsonLayer(Object.assign({id: 'border' + level.id, getLineColor: colors.border, getLineWidth: BORDER_PX}, common)),
  ];
}
