import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LEG_DASH, LEG_OFFSET, dashedLegProps, legDash, legKind, legendLegItems} from '../src/player/legstyle.js';
import {golden} from './golden.js';

const leg = (via) => ({properties: {traced_through: via}});
const ui = golden().ui;

test('a leg traced through via-points is dashed, a straight guess dotted, and they differ', () => {
  assert.equal(legKind(leg(['Ussuriysk'])), 'traced');
  assert.equal(legKind(leg([])), 'straight');
  assert.deepEqual(legDash(leg(['Ussuriysk'])), LEG_DASH.traced);
  assert.deepEqual(legDash(leg([])), LEG_DASH.straight);
  assert.notDeepEqual(LEG_DASH.traced, LEG_DASH.straight);
  // A gap wider than the travelled line (4 px) stays open past its round caps.
  for (const dash of Object.values(LEG_DASH)) assert.ok(dash[0] > 0 && dash[1] > 4, 'a dash and an open gap, not solid');
});

test('the route layers get one dash extension for the page, and the dash of each leg', () => {
  const made = [];
  const D = {PathStyleExtension: class { constructor(options) { made.push(options); } }};
  const first = dashedLegProps(D);
  const second = dashedLegProps(D);
  assert.deepEqual(made, [{dash: true, offset: true, dashMode: 'path'}]);
  assert.equal(first.extensions[0], second.extensions[0]);
  assert.equal(first.getDashArray, legDash);
  assert.equal(first.dashUnits, 'pixels');
  // Out and back on one track: each leg to the right of its way, so the two never cover each other.
  assert.ok(first.getOffset === LEG_OFFSET && LEG_OFFSET >= 0.5, 'legs keep to the right');
});

test('the legend shows exactly the leg kinds the config lists, in its order, with their words', () => {
  assert.deepEqual(legendLegItems([], ui), []);
  const traced = legendLegItems(['traced'], ui);
  assert.equal(traced.length, 1);
  assert.equal(traced[0][2], ui.leg_traced);
  assert.match(traced[0][1], /repeating-linear-gradient/);
  const both = legendLegItems(['traced', 'straight'], ui);
  assert.deepEqual(both.map((item) => item[2]), [ui.leg_traced, ui.leg_straight]);
  assert.notEqual(both[0][1], both[1][1]);
  assert.deepEqual(legendLegItems(['straight', 'unknown'], ui).map((item) => item[2]), [ui.leg_straight]);
});
