// The DOM around the map: the story panel (title, controls, timeline, chapter, itinerary, notes),
// the legend, the overlay on the map, and the text version shown when the map cannot be drawn.
// Every word comes from config.ui or the config's labels (format.js). `actions` are the runtime's
// goTo, step and togglePlay.
import {el, svg} from './dom.js';
import * as fmt from './format.js';
import {legendLegItems} from './legstyle.js';
import {ensureJsonLd, originalWords, quoteContext, receiptsSection} from './receipts.js';
import {OVERVIEW} from './state.js';

export function buildDom(state, root, actions) {
  const c = state.config;
  const ui = c.ui;
  const els = state.els;
  root.replaceChildren();
  els.root = root;
  // A region, not role=img: an image's children are presentational, and the legend inside is interactive.
  // Its description (the text alternative) follows the current stop.
  els.mapDescription = el('p', {class: 'sr-only', id: 'storymap-map-description'});
  els.map = el('div', {class: 'map', role: 'region', tabindex: '0', 'aria-label': ui.map,
                       'aria-describedby': 'storymap-map-description'});
  els.legend = buildLegend(c);
  els.map.appendChild(els.legend);
  els.overlay = el('div', {class: 'overlay'});
  els.map.appendChild(els.overlay);
  // Place and stop names are HTML over the canvas (the map's text alternative is its description).
  els.labels = el('div', {class: 'map-labels', 'aria-hidden': 'true'});
  els.map.appendChild(els.labels);
  root.appendChild(els.map);

  // The panel: a fixed head and control bar, then one scrolling column that starts at its top at
  // every stop (phones: under the map; wider: beside it).
  const panel = el('section', {class: 'panel', 'aria-label': ui.story});
  els.help = buildHelp(ui);
  const helpButton = el('button', {type: 'button', class: 'help-button', text: '?', 'aria-label': ui.keys_open,
                                   'aria-haspopup': 'dialog', 'aria-keyshortcuts': 'Shift+?', onclick: () => openHelp(state)});
  panel.appendChild(el('div', {class: 'panel-head'}, el('h1', {text: c.story.title}), helpButton));

  els.prev = el('button', {type: 'button', text: ui.previous, 'aria-keyshortcuts': 'ArrowLeft PageUp', onclick: () => actions.step(-1)});
  els.play = el('button', {type: 'button', text: fmt.playLabel(ui, false), 'aria-keyshortcuts': 'Space', 'aria-pressed': 'false',
                           onclick: () => actions.togglePlay()});
  els.next = el('button', {type: 'button', class: 'primary', text: ui.next, 'aria-keyshortcuts': 'ArrowRight PageDown',
                           onclick: () => actions.step(1)});
  els.counter = el('span', {class: 'counter', 'aria-live': 'off'});
  panel.appendChild(el('nav', {class: 'controls', 'aria-label': ui.story_navigation}, els.prev, els.play, els.next, els.counter));

  const scroller = el('div', {class: 'scroller'});
  els.scroller = scroller;
  // The dek and byline introduce the story: shown with the whole trip, not above every stop.
  const intro = el('div', {class: 'intro'});
  if (c.story.dek) intro.appendChild(el('p', {class: 'dek', text: c.story.dek}));
  if (c.story.byline) intro.appendChild(el('p', {class: 'byline', text: c.story.byline}));
  if (c.updated_label) intro.appendChild(el('p', {class: 'updated', text: c.updated_label}));
  scroller.appendChild(intro);
  els.timeline = buildTimeline(state, actions);
  scroller.appendChild(els.timeline);
  // Not a live region: the whole chapter read out on every step drowns the reader; els.live says
  // where they are.
  els.chapter = el('article', {class: 'chapter'});
  scroller.appendChild(els.chapter);

  const list = el('ol');
  els.itineraryButtons = c.stops.map((stop, index) => {
    const button = el('button', {type: 'button', onclick: () => actions.goTo(index)},
                      el('span', {text: fmt.itineraryEntry(stop)}),
                      el('span', {class: 'km', text: stop.km_label}));
    list.appendChild(el('li', {}, button));
    return button;
  });
  const itinerary = el('details', {class: 'itinerary', open: state.mode !== 'embed'},
                       el('summary', {text: fmt.itinerarySummary(c)}), list);
  scroller.appendChild(itinerary);
  for (const note of c.disagreements) scroller.appendChild(el('p', {class: 'note', text: ui.sources_differ + note.note}));
  scroller.appendChild(receiptsSection(c, {verify: true}));
  scroller.appendChild(el('p', {class: 'muted credits-line', text: [c.credits, ...c.map_credits].filter(Boolean).join(' · ')}));
  panel.appendChild(scroller);
  root.appendChild(panel);
  root.appendChild(els.help);
  ensureJsonLd(document, c.json_ld);
  root.appendChild(els.mapDescription);
  els.live = el('p', {class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true'});
  root.appendChild(els.live);
}

// The keyboard help: a modal <dialog> (focus moves in and returns; Esc closes it), opened with ?.
function buildHelp(ui) {
  const rows = [['key_next', 'key_next_does'], ['key_previous', 'key_previous_does'], ['key_first_last', 'key_first_last_does'],
    ['key_play', 'key_play_does'], ['key_help', 'key_help_does'], ['key_close', 'key_close_does']];
  const table = el('dl', {class: 'keys'});
  for (const [key, does] of rows) {
    table.appendChild(el('dt', {}, el('kbd', {text: ui[key]})));
    table.appendChild(el('dd', {text: ui[does]}));
  }
  const dialog = el('dialog', {class: 'help', 'aria-labelledby': 'storymap-help-title'},
                    el('h2', {id: 'storymap-help-title', text: ui.keys_title}), table);
  dialog.appendChild(el('button', {type: 'button', class: 'primary', text: ui.close, onclick: () => dialog.close()}));
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
  return dialog;
}

export function openHelp(state) {
  const dialog = state.els.help;
  if (dialog && !dialog.open) dialog.showModal();
}

export function helpIsOpen(state) { return !!(state.els.help && state.els.help.open); }

function buildLegend(c) {
  const ui = c.ui;
  const items = [
    ['swatch', 'var(--route-done)', ui.route_travelled],
    ['swatch', 'var(--route-ahead)', ui.route_ahead],
    ['dot', null, ui.stop_marker],
    ['swatch border', null, ui.border],   // drawn as the map draws it: a thin line on its casing
  ];
  // The leg lines this story draws, after the two route colours (legstyle.js).
  items.splice(2, 0, ...legendLegItems(c.legend_legs, ui));
  const list = el('ul');
  for (const [kind, colour, label] of items) {
    const mark = el('span', {class: kind});
    if (colour) mark.style.background = colour;
    list.appendChild(el('li', {}, mark, el('span', {text: label})));
  }
  const details = el('details', {class: 'legend-more'}, el('summary', {text: ui.about_map}),
                     el('p', {class: 'credits', text: c.legend_notes.join(' ')}),
                     el('p', {class: 'credits', text: c.map_credits.join(' · ')}));
  return el('div', {class: 'legend'}, list, details);
}

// The timeline's x of a story time: percent positions (not a stretched viewBox) keep circles round
// and labels legible at any width.
export function timelineX(config) {
  const span = Math.max(1, config.story.end_seconds);
  return (seconds) => (3 + 94 * (seconds / span)).toFixed(3) + '%';
}

function buildTimeline(state, actions) {
  const c = state.config;
  const node = svg('svg', {class: 'timeline', role: 'group', 'aria-label': c.ui.timeline});
  const span = Math.max(1, c.story.end_seconds);
  const x = timelineX(c);
  node.appendChild(svg('line', {class: 'axis', x1: '3%', x2: '97%', y1: 30, y2: 30}));
  state.els.dayLabels = [];    // thinned out to fit by timeline.js
  for (const day of c.days) {
    if (day.seconds < 0 || day.seconds > span) continue;
    node.appendChild(svg('line', {class: 'day', x1: x(day.seconds), x2: x(day.seconds), y1: 20, y2: 40}));
    const label = svg('text', {class: 'day-label', x: x(day.seconds), y: 58, dx: 3});
    label.textContent = day.label;
    node.appendChild(label);
    state.els.dayLabels.push(label);
  }
  state.els.now = svg('line', {class: 'now', x1: '3%', x2: '3%', y1: 12, y2: 48});
  node.appendChild(state.els.now);
  state.els.timelineX = x;
  state.els.dots = c.stops.map((stop, index) => {
    const dot = svg('circle', {class: 'stop-dot', cx: x(stop.seconds), cy: 30, r: 8, tabindex: 0, role: 'button',
                               'aria-label': fmt.dotLabel(stop)});
    const title = svg('title', {});
    title.textContent = fmt.stopAndDate(stop);
    dot.appendChild(title);
    dot.addEventListener('click', () => actions.goTo(index));
    dot.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); event.stopPropagation(); actions.goTo(index); }
    });
    node.appendChild(dot);
    return dot;
  });
  return node;
}

export function renderChapter(state) {
  const c = state.config;
  const ui = c.ui;
  const els = state.els;
  const chapter = els.chapter;
  chapter.replaceChildren();
  els.overlay.replaceChildren();
  const atOverview = state.index === OVERVIEW;
  els.root.dataset.at = atOverview ? 'overview' : 'stop';
  els.prev.disabled = atOverview;
  els.next.disabled = state.index === c.stops.length - 1;
  els.next.textContent = fmt.nextLabel(ui, state.index);
  els.counter.textContent = fmt.counterText(c, state.index);
  els.itineraryButtons.forEach((button, index) => {
    if (index === state.index) button.setAttribute('aria-current', 'step'); else button.removeAttribute('aria-current');
  });
  els.dots.forEach((dot, index) => {
    dot.classList.toggle('current', index === state.index);
    dot.classList.toggle('reached', index < state.index);
    if (index === state.index) dot.setAttribute('aria-current', 'step'); else dot.removeAttribute('aria-current');
  });
  if (atOverview) {
    chapter.appendChild(el('h2', {text: ui.whole_trip}));
    chapter.appendChild(el('p', {class: 'when', text: fmt.overviewWhen(c)}));
    const list = el('ol', {class: 'overview-stops'});
    for (const stop of c.stops) list.appendChild(el('li', {text: fmt.stopAndDate(stop)}));
    chapter.appendChild(list);
    els.overlay.appendChild(el('h2', {text: c.story.title}));
    els.overlay.appendChild(el('p', {class: 'when', text: fmt.overlayIntro(c)}));
  } else {
    const stop = c.stops[state.index];
    chapter.appendChild(el('h2', {text: stop.name}));
    if (stop.local_names.length) chapter.appendChild(localNames(stop.local_names));
    chapter.appendChild(el('p', {class: 'when', text: fmt.stopWhenTravelled(c, stop)}));
    if (stop.leg_distance) chapter.appendChild(legDistance(stop.leg_distance));
    chapter.appendChild(el('p', {class: 'summary', text: stop.summary}));
    for (const quote of stop.quotes) chapter.appendChild(renderQuote(ui, quote, true));
    if (stop.no_quote) chapter.appendChild(el('p', {class: 'no-quote', text: ui.no_quote + stop.no_quote}));
    for (const note of stop.sources_differ) chapter.appendChild(el('p', {class: 'note', text: ui.sources_differ + note.note}));
    els.overlay.appendChild(el('h2', {text: stop.name}));
    els.overlay.appendChild(el('p', {class: 'when', text: fmt.stopWhen(stop)}));
    if (stop.quotes.length) els.overlay.appendChild(renderQuote(ui, stop.quotes[0], false));
  }
  els.live.textContent = fmt.liveText(c, state.index);
  updateMapLabel(state);
  scrollToTop(els);
}

// Every step starts at the top of its chapter. Once per frame, before it is painted: setting
// scrollTop forces a layout, and a burst of commands must not pay one each.
function scrollToTop(els) {
  if (els.scrollPending) return;
  els.scrollPending = true;
  requestAnimationFrame(() => { els.scrollPending = false; els.scroller.scrollTop = 0; });
}

// 'станция Хасан · 하산역', each name in its own language.
function localNames(names) {
  const line = el('p', {class: 'local-names'});
  names.forEach((entry, index) => {
    if (index) line.appendChild(document.createTextNode(' · '));
    line.appendChild(el('span', {lang: entry.lang, text: entry.name}));
  });
  return line;
}

// The published distance beside the drawn one; how it was counted (which posts, which lines, what is
// estimated) and its reference one click away, so the reader can check the figure.
function legDistance(distance) {
  const note = typeof distance.note === 'string' && distance.note;
  const url = typeof distance.url === 'string' && fmt.safeHttpUrl(distance.url);
  if (!note && !url) return el('p', {class: 'leg-distance', text: distance.label});
  const basis = el('details', {class: 'leg-distance'}, el('summary', {text: distance.label}));
  if (note) basis.appendChild(el('p', {text: note}));
  if (url) {
    basis.appendChild(el('p', {}, el('a', {href: url, target: '_blank', rel: 'noopener noreferrer',
                                           text: String(distance.source || url)})));
  }
  return basis;
}

export function renderQuote(ui, quote, withContext) {
  const attribution = el('footer', {});
  attribution.appendChild(document.createTextNode(fmt.quotedBy(ui, quote)));
  const url = quote.source_url && fmt.safeHttpUrl(quote.source_url);
  if (url) attribution.appendChild(el('a', {href: url, target: '_blank', rel: 'noopener noreferrer', text: quote.attribution}));
  else attribution.appendChild(document.createTextNode(quote.attribution));
  const block = el('blockquote', {}, el('p', {text: fmt.quoteText(quote)}), attribution);
  const original = originalWords(ui, quote);
  if (original) block.appendChild(original);
  if (quote.context) block.appendChild(el('p', {class: 'muted', text: quote.context}));
  const context = withContext && quoteContext(ui, quote);
  if (context) block.appendChild(context);
  return block;
}

function updateMapLabel(state) {
  const c = state.config;
  state.els.mapDescription.textContent = fmt.mapLabel(c, state.index);
  const now = state.index === OVERVIEW ? 0 : c.stops[state.index].seconds;
  const x = state.els.timelineX(now);
  state.els.now.setAttribute('x1', x);
  state.els.now.setAttribute('x2', x);
}

// The story as text, for the export when the map cannot be drawn (the page has its own text version).
export function textVersion(c) {
  const list = el('ol', {class: 'text-version'});
  for (const stop of c.stops) {
    const item = el('li', {}, el('h2', {text: stop.name}), el('p', {class: 'when', text: fmt.stopWhen(stop)}),
                    el('p', {class: 'summary', text: stop.summary}));
    for (const quote of stop.quotes) item.appendChild(renderQuote(c.ui, quote, false));
    list.appendChild(item);
  }
  return el('section', {class: 'panel', 'aria-label': c.ui.story_as_text}, el('h1', {text: c.story.title}), list);
}
