// The map inside an article: the wheel scrolls the page unless Ctrl (⌘ on a Mac) is held, as map
// embeds do, so a reader scrolling past the story is not caught by the map; a trackpad's pinch
// arrives as a wheel event with ctrlKey set and zooms. One finger on a touch screen scrolls the page
// (the browser's own pan), two fingers pan and zoom the map. Pure: no DOM, importable by node.

export const HINT_MS = 1500;        // how long the "Ctrl + scroll" hint stays after the last wheel turn

export function isMac(platform) { return /Mac|iPhone|iPad|iPod/.test(String(platform || '')); }

// 'zoom' (the map takes the wheel) or 'scroll' (leave it to the page and show the hint).
export function wheelAction(event) { return event.ctrlKey || event.metaKey ? 'zoom' : 'scroll'; }

export function zoomHint(ui, mac) { return mac ? ui.zoom_hint_mac : ui.zoom_hint; }

// CSS touch-action of the map: in the page and embeds the browser keeps one-finger pans (the page
// scrolls) and the map gets pinches and two-finger drags; presentation mode is all map.
export function touchAction(mode) { return mode === 'present' ? 'none' : 'pan-x pan-y'; }
