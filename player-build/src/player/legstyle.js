// How a leg's line is drawn, and what the legend says about it. A leg traced through via-points, or
// drawn straight between its stops, is the curators' estimate of the way, never the way itself, so it
// is dashed (deck.gl's PathStyleExtension); a kind with no dash here would be drawn solid. The legend
// lists exactly the kinds the config says this story draws (storymap/deck.py legend_legs). Pure.

// Dash and gap in pixels: long dashes for a traced way, dots for a straight guess. The gaps are wide
// because the travelled line's round caps reach half its width (2 px) into each gap: gaps of a line
// width or less, in deck.gl's default 'widths' units, vanished and the line looked solid.
export const LEG_DASH = {traced: [10, 8], straight: [1, 9]};
const SOLID = [0, 0];
// The legend's swatch for each kind, drawn in CSS to look like the line on the map.
const SWATCH = {
  traced: 'repeating-linear-gradient(90deg, var(--route-ahead) 0 8px, transparent 8px 12px)',
  straight: 'repeating-linear-gradient(90deg, var(--route-ahead) 0 3px, transparent 3px 7px)',
};

export const legKind = (leg) => (leg.properties.traced_through.length ? 'traced' : 'straight');

export const legDash = (leg) => LEG_DASH[legKind(leg)] || SOLID;

// The props that dash a PathLayer of legs; one extension object for the page's life, so deck.gl
// does not rebuild the layer's shaders on every frame. Dashes run along the whole leg ('path'): in
// the default 'segment' mode each 10 km piece of a leg starts its own pattern, and at the overview,
// where a piece is a few pixels long, every piece drew as one solid dash.
//
// Each leg keeps to the right of its direction of travel, by LEG_OFFSET line widths: where the trip
// runs the same track out and back (Khabarovsk-Ussuriysk, the line to Komsomolsk), the two legs lie
// side by side; drawn on one centre line, the dashes of one filled the gaps of the other and both
// looked solid.
export const LEG_OFFSET = 0.8;
let extension = null;
export function dashedLegProps(D) {
  extension = extension || new D.PathStyleExtension({dash: true, offset: true, dashMode: 'path'});
  return {getDashArray: legDash, dashUnits: 'pixels', getOffset: LEG_OFFSET, extensions: [extension]};
}

// Legend rows [kind class, swatch background, label] for the leg kinds drawn, in the config's order.
export function legendLegItems(kinds, ui) {
  return kinds.filter((kind) => SWATCH[kind]).map((kind) => ['swatch', SWATCH[kind], ui['leg_' + kind]]);
}
