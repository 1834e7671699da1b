// Small formatting helpers shared by components.

/**
 * Formats a byte count the way the schema writes it: `8 GB`, `1.5 GiB`.
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  for (const [unit, size] of /** @type {[string, number][]} */ ([['TB', 1e12], ['GB', 1e9], ['MB', 1e6]])) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  for (const [unit, size] of /** @type {[string, number][]} */ ([['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]])) {
    if (bytes >= size) return `${(bytes / size).toFixed(bytes % size === 0 ? 0 : 1)} ${unit}`;
  }
  return `${bytes} B`;
}

/**
 * Creates an element with a class and text, never parsing HTML.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
