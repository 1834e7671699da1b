// Small helpers shared by components: formatting and DOM building without HTML parsing.

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

/**
 * A button that runs `onClick`; while a returned promise runs, the button is disabled.
 * @param {string} label
 * @param {() => unknown} onClick
 * @param {string} [className]
 */
export function button(label, onClick, className = '') {
  const b = el('button', className, label);
  b.type = 'button';
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onClick();
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

/**
 * A section heading with a lead sentence.
 * @param {string} title
 * @param {string} lead
 */
export function heading(title, lead) {
  const wrap = el('div', 'view-heading');
  wrap.append(el('h1', undefined, title), el('p', 'lead', lead));
  return wrap;
}
