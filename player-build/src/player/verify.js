// "Verify quotes": each quote's receipt (storymap/receipts.py) re-checked where the reader is, offline.
// A receipt holds the passage the quote came from, the passage's SHA-256 and a W3C TextQuoteSelector.
// A quote passes when the passage still hashes to its fingerprint, the selector is found in it, and
// the selector's words are the quote's words under the same normalisation as storymap/quotes.py.
// Pure apart from the digest function it is given (WebCrypto in the browser, node's in the tests).

const TYPOGRAPHIC = new Map(Object.entries({
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u00b4': "'", '`': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...',
}));
const PARAGRAPH_MARK = /\s*\[\.\.\.\]\s*/;  // '[…]' once normalised
const PASSAGE_BREAK = '\n\n';

// storymap.quotes.normalize: NFC, plain quote marks and dashes, single spaces.
export function normalize(text) {
  let out = '';
  for (const ch of text.normalize('NFC')) out += TYPOGRAPHIC.get(ch) ?? ch;
  return out.replace(/\s+/gu, ' ').trim();
}

// storymap.quotes.quote_parts: a quote split at its paragraph marks.
export function quoteParts(text) {
  return normalize(text).split(PARAGRAPH_MARK).map((part) => part.trim());
}

export function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

// The passage cut around the quote, for "Read in context": [before, quote, after], or null.
export function highlight(receipt) {
  const {prefix, exact, suffix} = receipt.selector;
  const at = receipt.passage.indexOf(prefix + exact + suffix);
  if (at < 0) return null;
  const start = at + prefix.length;
  return [receipt.passage.slice(0, start), exact, receipt.passage.slice(start + exact.length)];
}

function sameWords(quote, exact) {
  const words = quoteParts(quote.original ? quote.original.text : quote.text);
  const anchored = exact.split(PASSAGE_BREAK).map(normalize);
  return words.length === anchored.length && words.every((part, i) => part === anchored[i]);
}

// Why one quote fails, or null when it passes.
export async function checkQuote(quote, sha256) {
  const receipt = quote.receipt;
  if (!receipt || typeof receipt.passage !== 'string' || !receipt.selector) return 'no receipt';
  if (await sha256(receipt.passage) !== receipt.passage_sha256) return 'passage changed';
  if (highlight(receipt) === null) return 'not found in its passage';
  if (!sameWords(quote, receipt.selector.exact)) return 'quote differs from its passage';
  return null;
}

// Every quote of the story: {found, total, failed: [{stop, text, why}]}.
export async function verifyQuotes(config, sha256) {
  const failed = [];
  let total = 0;
  for (const stop of config.stops) {
    for (const quote of stop.quotes) {
      total += 1;
      const why = await checkQuote(quote, sha256);
      if (why) failed.push({stop: stop.name, text: quote.text, why});
    }
  }
  return {found: total - failed.length, total, failed};
}

// SHA-256 of text as UTF-8, by WebCrypto (a secure context: https, localhost or file://).
export function webCryptoSha256(subtle) {
  return async (text) => hex(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
