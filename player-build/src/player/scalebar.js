// The scale bar's maths. Pure, importable by node.
// deck.gl's Web Mercator has a world 512 px wide at zoom 0, so a pixel at the view's centre covers
// EARTH_CIRCUMFERENCE_M * cos(latitude) / (512 * 2^zoom) metres; elsewhere in the view the scale
// differs (Mercator stretches towards the poles, and a pitched view shrinks towards its horizon), so
// the bar is true at the centre, as a printed map's bar is true along its standard parallel.

export const EARTH_CIRCUMFERENCE_M = 40075016.686;   // WGS 84 equator, the sphere Web Mercator uses
export const MILE_M = 1609.344;
export const SCALE_MAX_PX = 110;                     // the bar's longest; its length is a round number below it

export function metresPerPixel(zoom, latitude) {
  return EARTH_CIRCUMFERENCE_M * Math.cos((latitude * Math.PI) / 180) / (512 * Math.pow(2, zoom));
}

// The largest 1, 2 or 5 x 10^n that is at most `max` (a positive number).
export function niceLength(max) {
  const power = Math.pow(10, Math.floor(Math.log10(max)));
  for (const step of [5, 2, 1]) if (step * power <= max * (1 + 1e-12)) return step * power;
  return power;
}

// One bar per unit: [{value, unit: 'km' | 'mi', px}], the length a round number whose bar fits in
// maxPx at the view's centre. Below 1 km (or 1 mi) the value is still in km (mi): 0.5 km.
export function scaleBars(zoom, latitude, maxPx, miles) {
  const perPx = metresPerPixel(zoom, latitude);
  const units = miles ? [['km', 1000], ['mi', MILE_M]] : [['km', 1000]];
  return units.map(([unit, metres]) => {
    const value = niceLength((maxPx * perPx) / metres);
    return {value, unit, px: (value * metres) / perPx};
  });
}

// "50", "0.5", "2,000": a round length as the bar writes it.
export function lengthText(value) {
  return value >= 1 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toPrecision(1)));
}

// The bar's distance from the map's foot (CSS bottom, px): `margin`, or above any obstacle (the
// legend, the quote card: client rects) that lies where the bar would be, right-aligned `margin` in.
export function barBottom(map, bar, obstacles, margin) {
  let bottom = margin;
  for (const r of obstacles) {
    const top = map.bottom - bottom - bar.height;
    if (r.width && r.right > map.right - margin - bar.width && r.top < map.bottom - bottom && r.bottom > top) {
      bottom = Math.max(bottom, map.bottom - r.top + 6);
    }
  }
  return bottom;
}
