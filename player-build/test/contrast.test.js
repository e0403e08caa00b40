// Map graphics and control borders meet 3:1 (WCAG 1.4.11) against what lies beneath them, in both
// palettes of storymap/player/player.css, and country borders do not look like the route.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {hexColor} from '../src/player/dom.js';

const css = readFileSync(new URL('../../storymap/player/player.css', import.meta.url), 'utf8');

function palette(block) {
  const colours = {};
  for (const [, name, hex] of block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)) colours[name] = hex;
  return colours;
}
const light = palette(css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {'))));
const darkStart = css.indexOf(':root[data-theme="dark"] {');
const dark = palette(css.slice(darkStart, css.indexOf('}', darkStart)));

function luminance(hex) {
  const [r, g, b] = hexColor(hex).slice(0, 3).map((c) => c / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a, b) {
  const [low, high] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return (high + 0.05) / (low + 0.05);
}

test('the contrast of black on white is 21 and of a colour on itself 1', () => {
  assert.ok(Math.abs(contrast('#000000', '#ffffff') - 21) < 1e-9);
  assert.equal(contrast('#a4262c', '#a4262c'), 1);
});

const GRAPHICS = [['route-ahead', 'land'], ['route-ahead', 'sea'], ['route-done', 'land'], ['route-done', 'sea'],
  ['border', 'land'], ['control-border', 'bg']];

for (const [name, colours] of [['light', light], ['dark', dark]]) {
  test(`${name} palette: map graphics and button borders are at least 3:1 against what is beneath`, () => {
    for (const [front, back] of GRAPHICS) {
      const ratio = contrast(colours[front], colours[back]);
      assert.ok(ratio >= 3, `${front} on ${back}: ${ratio.toFixed(2)}:1`);
    }
  });

  test(`${name} palette: borders are not the route's colour`, () => {
    for (const route of ['route-ahead', 'route-done']) {
      const [a, b] = [hexColor(colours.border), hexColor(colours[route])];
      assert.ok(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) > 60, `border too like ${route}`);
    }
  });
}

// Issue 15, point 6: the map's own parts apart from each other. Borders also lie on water (the Amur,
// the Tumen), rivers on land; the frame's names are text (4.5:1) on what they are written over.
const MAP_PAIRS = [['land', 'sea'], ['river', 'land'], ['border', 'land'], ['border', 'sea'], ['border', 'border-casing']];
const LABELS = [['country-label', 'land'], ['sea-label', 'sea']];

test('dark palette: land, sea, rivers and borders are at least 3:1 against each other', () => {
  for (const [a, b] of MAP_PAIRS) assert.ok(contrast(dark[a], dark[b]) >= 3, `${a} on ${b}: ${contrast(dark[a], dark[b]).toFixed(2)}:1`);
});

// The light theme keeps a pale sea, as printed and news maps do (land and sea told apart by hue):
// 3:1 there would need a sea of luminance <= 0.25 (#628cb4), and the route and borders, 3:1 on that
// too, near-black. Rivers and borders meet 3:1 on land and sea as in the dark theme.
test('light palette: rivers and borders are at least 3:1 against land and sea', () => {
  for (const [a, b] of MAP_PAIRS.slice(1)) {
    assert.ok(contrast(light[a], light[b]) >= 3, `${a} on ${b}: ${contrast(light[a], light[b]).toFixed(2)}:1`);
  }
});

for (const [name, colours] of [['light', light], ['dark', dark]]) {
  test(`${name} palette: country and sea names are 4.5:1 on land and sea`, () => {
    for (const [a, b] of LABELS) assert.ok(contrast(colours[a], colours[b]) >= 4.5, `${a} on ${b}: ${contrast(colours[a], colours[b]).toFixed(2)}:1`);
  });
}

test('dark palette: land stands out from the sea (3:1), and the media query and data-theme agree', () => {
  assert.ok(contrast(dark.land, dark.sea) >= 3, contrast(dark.land, dark.sea).toFixed(2));
  const mediaStart = css.indexOf(':root:not([data-theme="light"]) {');
  assert.deepEqual(palette(css.slice(mediaStart, css.indexOf('}', mediaStart))), dark);
});
