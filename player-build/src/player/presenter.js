// The map's own controls and the presenter's display, over the map: the "Ctrl + scroll to zoom"
// hint, the whole-trip button, and in presentation mode the position / play state / dwell progress
// display, the quote or note of the dwell's current item, and the end card with the credits.
// Every word is config.ui's (storymap/words.py); text only.
import {clock} from './clock.js';
import {el} from './dom.js';
import {counterText} from './format.js';
import {HINT_MS, isMac, zoomHint} from './gestures.js';
import {OVERVIEW} from './state.js';
import {renderQuote} from './views.js';

export function buildMapControls(state, onWholeTrip) {
  const ui = state.config.ui;
  const els = state.els;
  els.hint = el('p', {class: 'map-hint', 'aria-hidden': 'true'});
  els.wholeTrip = el('button', {type: 'button', class: 'whole-trip', text: ui.show_whole_trip, onclick: onWholeTrip});
  els.map.appendChild(els.hint);
  els.map.appendChild(els.wholeTrip);
  if (state.mode === 'present') {
    els.presenterPosition = el('span', {class: 'position'});
    els.presenterPlay = el('span', {class: 'play-state'});
    els.presenterBar = el('span', {class: 'bar'});
    els.presenter = el('div', {class: 'presenter', role: 'status'}, els.presenterPosition, els.presenterPlay,
                       el('span', {class: 'progress', 'aria-hidden': 'true'}, els.presenterBar));
    els.map.appendChild(els.presenter);
  }
}

// kind 'wheel' or 'touch': the reader tried to move the map the way that scrolls the page.
export function showHint(state, kind) {
  const ui = state.config.ui;
  const hint = state.els.hint;
  hint.textContent = kind === 'touch' ? ui.touch_hint : zoomHint(ui, isMac(navigator.platform || navigator.userAgent));
  hint.classList.add('shown');
  clock.clearTimeout(state.hintTimer);
  state.hintTimer = clock.setTimeout(() => hint.classList.remove('shown'), HINT_MS);
}

// The presenter's display: "3 / 7", playing or paused, and how much of the dwell has passed (0-1).
export function updatePresenter(state, progress) {
  const els = state.els;
  if (!els.presenter) return;
  const ui = state.config.ui;
  setText(els.presenterPosition, state.endCard ? ui.the_end : counterText(state.config, state.index));
  setText(els.presenterPlay, state.playing ? '▶ ' + ui.playing : '❚❚ ' + ui.paused);
  const width = (100 * Math.min(1, Math.max(0, progress || 0))).toFixed(1) + '%';
  if (els.presenterBar.style.width !== width) els.presenterBar.style.width = width;
  const playing = state.playing ? 'true' : 'false';
  if (els.presenter.dataset.playing !== playing) els.presenter.dataset.playing = playing;
}

// Ten times a second while dwelling: only what changed is written (the video reuses unchanged frames).
function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

// The overlay's quote or note: item `k` of the stop's dwell (state.js dwellItems).
export function showDwellItem(state, items, k) {
  const overlay = state.els.overlay;
  if (state.index === OVERVIEW || !overlay) return;
  const stop = state.config.stops[state.index];
  const item = items[k];
  const ui = state.config.ui;
  for (const node of overlay.querySelectorAll('blockquote, .note')) node.remove();
  if (item.kind === 'quote') overlay.appendChild(renderQuote(ui, stop.quotes[item.index], false));
  else if (item.kind === 'note') overlay.appendChild(el('p', {class: 'note', text: ui.sources_differ + stop.sources_differ[item.index].note}));
  overlay.dataset.item = String(k);
}

// The end of the story: its title, the credits and the map's sources, then the quoted sources, one
// line each (outlet, author, date: the headlines are in the handout and the page's receipts).
export function showEndCard(state) {
  const c = state.config;
  const line = (text) => el('p', {class: 'credit', text});
  state.els.overlay.replaceChildren(el('h2', {text: c.story.title}), el('p', {class: 'when', text: c.ui.credits}),
                                    ...[c.credits, ...c.map_credits].filter(Boolean).map(line),
                                    el('p', {class: 'when', text: c.ui.sources}),
                                    el('ul', {class: 'sources'}, ...c.sources.map((s) => el('li', {class: 'credit', text: s.attribution}))));
  state.els.overlay.dataset.item = 'end';
}
