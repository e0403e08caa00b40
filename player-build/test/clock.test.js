import assert from 'node:assert/strict';
import {test} from 'node:test';
import {MAX_TIMERS_PER_ADVANCE, clock, manualClock, useClock} from '../src/player/clock.js';
import {clockFlight} from '../src/player/flight.js';
import {playbackPlan, reachedAt, routeTimeAt} from '../src/player/plan.js';
import {LEG_MS} from '../src/player/camera.js';
import {FIRST_STEP_MS} from '../src/player/state.js';
import {golden} from './golden.js';

test('the manual clock stands still until it is advanced', () => {
  const c = manualClock();
  let fired = 0;
  c.setTimeout(() => { fired += 1; }, 100);
  assert.equal(c.now(), 0);
  assert.equal(fired, 0);
  c.advance(99);
  assert.equal(fired, 0);
  c.advance(1);
  assert.equal(fired, 1);
  assert.equal(c.now(), 100);
});

test('timers fire in time order, each at its own time, within one advance', () => {
  const c = manualClock();
  const seen = [];
  c.setTimeout(() => seen.push(['b', c.now()]), 50);
  c.setTimeout(() => seen.push(['a', c.now()]), 20);
  c.setTimeout(() => seen.push(['c', c.now()]), 50);   // same time as b: set later, fires later
  c.advance(1000);
  assert.deepEqual(seen, [['a', 20], ['b', 50], ['c', 50]]);
  assert.equal(c.now(), 1000);
});

test('a timer set by a timer fires in the same advance when it falls due', () => {
  const c = manualClock();
  const seen = [];
  const tick = () => { seen.push(c.now()); if (c.now() < 300) c.setTimeout(tick, 100); };
  c.setTimeout(tick, 100);
  c.advance(250);
  assert.deepEqual(seen, [100, 200]);
  c.advance(250);
  assert.deepEqual(seen, [100, 200, 300]);
});

test('cleared timers and cancelled frames never run', () => {
  const c = manualClock();
  let ran = false;
  c.clearTimeout(c.setTimeout(() => { ran = true; }, 10));
  c.cancelFrame(c.requestFrame(() => { ran = true; }));
  c.advance(100);
  assert.equal(ran, false);
  assert.deepEqual(c.pending(), {timers: 0, frames: 0});
});

test('a frame runs once per advance, after the timers, at the new time', () => {
  const c = manualClock();
  const seen = [];
  const frame = (now) => { seen.push(now); c.requestFrame(frame); };
  c.requestFrame(frame);
  c.setTimeout(() => seen.push('timer'), 10);
  c.advance(1000 / 30);
  c.advance(1000 / 30);
  assert.deepEqual(seen, ['timer', 1000 / 30, 2000 / 30]);
});

test('a timer that re-arms itself at the same time cannot hang an advance', () => {
  const c = manualClock();
  const again = () => c.setTimeout(again, 0);
  c.setTimeout(again, 0);
  assert.throws(() => c.advance(1), /re-arming/);
  assert.ok(MAX_TIMERS_PER_ADVANCE > 1000);
});

test('the shared clock is the one put behind it', () => {
  const c = useClock(manualClock());
  assert.equal(clock.manual, true);
  let at = null;
  clock.setTimeout(() => { at = clock.now(); }, 40);
  c.advance(50);
  assert.equal(at, 40);
});

test('a flight on the clock goes from its start to its end in its duration, then says it is done', () => {
  const c = useClock(manualClock());
  const views = [];
  let done = false;
  // A linear stand-in for deck.gl's FlyToInterpolator: same initializeProps / interpolateProps shape.
  const linear = {
    initializeProps: (start, end) => ({start, end}),
    interpolateProps: (start, end, t) => ({zoom: start.zoom + (end.zoom - start.zoom) * t}),
  };
  clockFlight(linear, {zoom: 4, width: 800, height: 600}, {zoom: 8, width: 800, height: 600, maxZoom: 12}, 900,
              (view) => views.push(view), () => { done = true; });
  for (let i = 0; i < 3; i += 1) c.advance(300);
  assert.deepEqual(views.map((v) => v.zoom), [4 + 4 / 3, 4 + 8 / 3, 8]);
  assert.equal(done, true);
  assert.equal(views[0].maxZoom, 12);
  assert.ok(!('width' in views[0]) && !('height' in views[0]));
});

test('the plan adds the title, the first step, every dwell, every leg and the end card', () => {
  const config = golden();
  const plan = playbackPlan(config);
  const dwell = config.stops.reduce((sum, stop) => sum + stop.dwell_seconds * 1000, 0);
  const overview = config.story.dwell_seconds * 1000;
  assert.equal(plan.total_ms, overview + FIRST_STEP_MS + dwell + (config.stops.length - 1) * LEG_MS + overview);
  assert.deepEqual(plan.segments.map((s) => s.kind).slice(0, 4), ['title', 'first-step', 'stop', 'leg']);
  assert.equal(plan.segments.at(-1).kind, 'end');
  const quick = playbackPlan(Object.assign({}, config, {start: Object.assign({}, config.start, {dwell_override: 0.5})}));
  assert.equal(quick.total_ms, 500 + FIRST_STEP_MS + config.stops.length * 500 + (config.stops.length - 1) * LEG_MS + 900);
});

test('the GIF draws each leg in an equal share, and reaches each stop at its time', () => {
  const config = golden();
  const legs = config.data.route.features;
  const stamps = (leg) => leg.properties.timestamps;
  assert.equal(routeTimeAt(legs, 0), stamps(legs[0])[0]);
  assert.equal(routeTimeAt(legs, 1), stamps(legs.at(-1)).at(-1));
  assert.equal(routeTimeAt(legs, 1 / legs.length), stamps(legs[1])[0]);
  assert.equal(reachedAt(config.stops, config.stops[1].seconds), 1);
  assert.equal(reachedAt(config.stops, config.stops[1].seconds - 1), 0);
  assert.equal(reachedAt(config.stops, 1e12), config.stops.length - 1);
});
