// deck.gl's map controller as an article needs it (gestures.js decides): a wheel turn without
// Ctrl/⌘ and a one-finger touch drag are left to the page, which scrolls; `onPassed` is told (the
// runtime shows the "Ctrl + scroll" hint). MapView's own controller class is extended, so deck.gl's
// bundle needs no new export.
import {wheelAction} from './gestures.js';

export function articleController(D, options) {
  const Base = new D.MapView({}).ControllerType;
  return class ArticleController extends Base {
    _onWheel(event) {
      if (wheelAction(event.srcEvent || event) === 'scroll') { options.onPassed('wheel'); return false; }
      return super._onWheel(event);
    }

    _onPanStart(event) {
      if (event.pointerType === 'touch' && !options.touchPans()) { options.onPassed('touch'); return false; }
      return super._onPanStart(event);
    }
  };
}
