// The receipts a reader sees (storymap/receipts.py makes them): a quote's paragraph with the quote
// marked and a link to the live passage, the sources with their fingerprints, corrections, the
// methods note, the "Verify quotes" control and the story's JSON-LD. Text only ever via textContent.
import {el} from './dom.js';
import * as fmt from './format.js';
import {highlight, verifyQuotes, webCryptoSha256} from './verify.js';

// "Show in the source paragraph": the passage with the quote in <mark>, the original words of a
// translation in their own language, and a link to the passage on the live page.
export function quoteContext(ui, quote) {
  const receipt = quote.receipt;
  const parts = receipt ? highlight(receipt) : null;
  if (!parts) return null;
  const body = el('div', {class: 'passage'});
  const [before, exact, after] = parts;
  const passage = el('p', {lang: quote.original ? quote.original.language : null});
  passage.append(before, el('mark', {text: exact}), after);
  body.appendChild(passage);
  const live = receipt.fragment_url && fmt.safeHttpUrl(receipt.fragment_url);
  if (live) body.appendChild(el('p', {}, el('a', {href: live, target: '_blank', rel: 'noopener noreferrer', text: ui.open_at_passage})));
  return el('details', {class: 'context'}, el('summary', {text: ui.show_in_source}), body);
}

// A translated quote's original words, marked with their language.
export function originalWords(ui, quote) {
  if (!quote.original) return null;
  const note = fmt.fill(ui.translated_by, {name: quote.translated_by || '', language: quote.original.language});
  return el('p', {class: 'original muted'}, el('small', {text: note + ' '}), el('q', {lang: quote.original.language, text: quote.original.text}));
}

const shorten = (text) => (text.length > 60 ? text.slice(0, 59) + '…' : text);

function link(url, text) {
  const safe = url && fmt.safeHttpUrl(url);
  return safe ? el('a', {href: safe, target: '_blank', rel: 'noopener noreferrer', text}) : null;
}

// Sources, corrections and methods, for the end of the story panel.
export function receiptsSection(c, {verify}) {
  const ui = c.ui;
  const section = el('section', {class: 'receipts', 'aria-label': ui.sources});
  const sources = el('ol', {class: 'sources'});
  for (const source of c.sources || []) {
    const item = el('li', {lang: source.language});
    item.appendChild(el('cite', {text: source.headline}));
    item.append(' — ' + source.attribution + (source.retrieved ? ' · ' + fmt.fill(ui.retrieved, {date: source.retrieved}) : ''));
    for (const a of [link(source.url, ui.live_page), link(source.archived_url, ui.archived_copy)]) if (a) item.append(' · ', a);
    item.appendChild(el('p', {class: 'fingerprint', text: fmt.fill(ui.source_fingerprint, {sha256: source.sha256}) +
                                                          (source.fingerprint_recorded ? '' : ui.fingerprint_not_recorded)}));
    sources.appendChild(item);
  }
  section.appendChild(el('details', {class: 'sources-list'}, el('summary', {text: ui.sources}), sources));
  if (c.corrections && c.corrections.length) {
    const list = el('ul');
    for (const item of c.corrections) {
      list.appendChild(el('li', {text: fmt.fill(ui.correction_item, {date: item.date_label, what: item.what, why: item.why})}));
    }
    section.appendChild(el('details', {class: 'corrections'}, el('summary', {text: ui.corrections}), list));
  }
  if (c.methods && c.methods.length) {
    const list = el('ul');
    for (const line of c.methods) list.appendChild(el('li', {text: line}));
    section.appendChild(el('details', {class: 'methods'}, el('summary', {text: ui.methods}), list));
  }
  if (verify) section.appendChild(verifyControl(c));
  return section;
}

// "Verify quotes": recomputes every passage's SHA-256 here and re-finds every quote in it.
export function verifyControl(c) {
  const ui = c.ui;
  const result = el('p', {class: 'verify-result', role: 'status'});
  const button = el('button', {type: 'button', class: 'verify', text: ui.verify_quotes});
  button.addEventListener('click', async () => {
    const subtle = globalThis.crypto && globalThis.crypto.subtle;
    if (!subtle) { result.textContent = ui.verify_unavailable; result.dataset.outcome = 'unavailable'; return; }
    button.disabled = true;
    result.textContent = ui.verify_running;
    try {
      const outcome = await verifyQuotes(c, webCryptoSha256(subtle));
      const failed = outcome.failed.map((f) => f.stop + ': “' + shorten(f.text) + '” (' + f.why + ')').join('; ');
      result.textContent = fmt.fill(outcome.failed.length ? ui.verify_failed : ui.verify_passed,
                                    {found: outcome.found, total: outcome.total, failed});
      result.dataset.outcome = outcome.failed.length ? 'failed' : 'passed';
    } finally {
      button.disabled = false;
    }
  });
  return el('div', {class: 'verify-box'}, button, result);
}

// The story's schema.org JSON-LD in this document, unless the page already carries it (the export does).
export function ensureJsonLd(doc, data) {
  if (!data || doc.querySelector('script[type="application/ld+json"]')) return;
  const script = doc.createElement('script');
  script.type = 'application/ld+json';
  script.textContent = JSON.stringify(data);
  doc.head.appendChild(script);
}
