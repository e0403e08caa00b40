import assert from 'node:assert/strict';
import {webcrypto} from 'node:crypto';
import {test} from 'node:test';
import {highlight, normalize, quoteParts, verifyQuotes, webCryptoSha256} from '../src/player/verify.js';
import {golden} from './golden.js';

const sha256 = webCryptoSha256(webcrypto.subtle);
const fresh = () => golden();
const quotes = (config) => config.stops.flatMap((stop) => stop.quotes);

test('normalisation matches storymap.quotes.normalize', () => {
  assert.equal(normalize('  \u201cIt\u2019s\u201d \u2014 fine\u2026\n\n ok '), '"It\'s" - fine... ok');
  assert.equal(normalize('Grac\u0327a'), 'Graça');  // NFC
  assert.deepEqual(quoteParts('ends here. […] Next begins'), ['ends here.', 'Next begins']);
});

test('every quote of the golden story is found in a passage whose fingerprint matches', async () => {
  const config = fresh();
  const result = await verifyQuotes(config, sha256);
  assert.equal(result.total, quotes(config).length);
  assert.ok(result.total >= 3);
  assert.deepEqual(result, {found: result.total, total: result.total, failed: []});
});

test('one word changed in one passage fails that quote alone, by name', async () => {
  const config = fresh();
  const quote = config.stops[1].quotes[0];
  quote.receipt.passage = quote.receipt.passage.replace('river', 'sea');
  const result = await verifyQuotes(config, sha256);
  assert.equal(result.found, result.total - 1);
  assert.deepEqual(result.failed, [{stop: config.stops[1].name, text: quote.text, why: 'passage changed'}]);
});

test('a quote edited in the file no longer matches its anchor', async () => {
  const config = fresh();
  config.stops[0].quotes[0].text = config.stops[0].quotes[0].text.replace('leaves', 'left');
  const result = await verifyQuotes(config, sha256);
  assert.deepEqual(result.failed.map((f) => f.why), ['quote differs from its passage']);
});

test('a passage and its fingerprint changed together still fail: the selector is not in it', async () => {
  const config = fresh();
  const receipt = config.stops[0].quotes[0].receipt;
  receipt.passage = 'Something else entirely.';
  receipt.passage_sha256 = await sha256(receipt.passage);
  const result = await verifyQuotes(config, sha256);
  assert.deepEqual(result.failed.map((f) => f.why), ['not found in its passage']);
});

test('a translated quote is checked by its original words', async () => {
  const config = fresh();
  const translated = quotes(config).find((q) => q.original);
  assert.ok(translated, 'the golden story has a translated quote');
  assert.equal(await verifyQuotes(config, sha256).then((r) => r.failed.length), 0);
  translated.original.text += ' e mais';
  assert.deepEqual((await verifyQuotes(config, sha256)).failed.map((f) => f.why), ['quote differs from its passage']);
});

test('highlight cuts the passage around the quote', () => {
  const receipt = {passage: 'A b c. The quote here. D e.', selector: {exact: 'The quote here.', prefix: 'A b c. ', suffix: ' D e.'}};
  assert.deepEqual(highlight(receipt), ['A b c. ', 'The quote here.', ' D e.']);
  assert.equal(highlight({...receipt, passage: 'other'}), null);
});
