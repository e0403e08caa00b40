// Element helpers. Story text is only ever set with textContent: a quote containing <script> stays text.
// Nothing here runs at import time (node can import the modules that use it).

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

export function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  return node;
}

// A CSS colour variable of the page as deck.gl's [r, g, b, a].
export function cssColor(name, alpha) {
  const hex = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
  return hexColor(hex, alpha);
}

export function hexColor(hex, alpha) {
  const value = parseInt(hex.replace('#', '').padEnd(6, '0').slice(0, 6), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255, alpha === undefined ? 255 : alpha];
}
