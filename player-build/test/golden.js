// The golden config (tests/fixtures/golden/, written by tests/test_contract.py): the same file the
// Python contract test compares, so these tests run against what Python really sends.
import {readFileSync} from 'node:fs';

const text = readFileSync(new URL('../../tests/fixtures/golden/lisbon-tram-28.config.json', import.meta.url), 'utf8');

// A fresh copy for each test: tests may change it.
export function golden() { return JSON.parse(text); }
export const goldenText = text;
