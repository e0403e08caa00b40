// A camera move run on the player's clock (clock.js), for the manual clock of `storymap video`:
// deck.gl's own view transitions run on its render loop's time, which that clock cannot advance.
// The same interpolator and duration as the transition it stands in for (mapview.js flyTo), linear in
// time as deck.gl's default easing. `apply(view)` sets each frame's view, `done()` runs at the end.
import {clock} from './clock.js';

export function clockFlight(interpolator, from, to, ms, apply, done) {
  const props = interpolator.initializeProps(from, to);
  const started = clock.now();
  const flight = {frame: 0, cancelled: false};
  const tick = () => {
    if (flight.cancelled) return;
    const t = Math.min(1, (clock.now() - started) / ms);
    const view = Object.assign({}, to, interpolator.interpolateProps(props.start, props.end, t));
    delete view.width;   // the deck's own size, not part of a view state
    delete view.height;
    apply(view);
    if (t < 1) flight.frame = clock.requestFrame(tick);
    else done();
  };
  flight.frame = clock.requestFrame(tick);
  flight.cancel = () => { flight.cancelled = true; clock.cancelFrame(flight.frame); };
  return flight;
}
