// A live graph (SVG, our own: a few dozen lines, no library to load under the CSP or keep
// up to date) of the last minute of CPU or memory, on a fixed scale with its limit: CPU from
// 0 to 100 % per core given, memory from 0 to the container's limit (the engine's memory when
// it has none). It starts as a line across the full width; pointing at it reads the value
// at that moment. The large variant has axes: the scale's top and 0, "60 s ago" and "now".
const SVG = 'http://www.w3.org/2000/svg';
const POINTS = 60;

/** @param {string} name @param {Record<string, string>} attributes */
function svg(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

export class Sparkline extends EventTarget {
  /**
   * @param {string} label what it shows, for screen readers
   * @param {(value: number) => string} format how a value reads, e.g. `12 %`
   * @param {{width?: number, height?: number, axes?: boolean}} [size] the large variant has axes
   */
  constructor(label, format, size = {}) {
    super();
    this.label = label;
    this.format = format;
    this.width = size.width ?? 120;
    this.height = size.height ?? 32;
    this.axes = size.axes ?? false;
    /** @type {number[]} */
    this.values = [];
    this.limit = 0;
    /** @type {HTMLElement | null} */
    this.top = null;
    this.element = document.createElement('span');
    this.element.className = this.axes ? 'graph graph-large' : 'graph';
    this.svg = svg('svg', { viewBox: `0 0 ${this.width} ${this.height}`, class: 'sparkline', role: 'img', 'aria-label': label });
    const frame = svg('rect', { class: 'frame', x: '0.5', y: '0.5', width: String(this.width - 1), height: String(this.height - 1) });
    this.baseline = svg('line', { class: 'baseline', x1: '0', x2: String(this.width), y1: String(this.height - 1), y2: String(this.height - 1) });
    this.area = svg('polygon', {});
    this.line = svg('polyline', {});
    this.cursor = svg('line', { class: 'cursor', y1: '0', y2: String(this.height), visibility: 'hidden' });
    this.svg.append(frame, this.baseline, this.area, this.line, this.cursor);
    if (this.axes) {
      for (const y of [0.25, 0.5, 0.75]) this.svg.insertBefore(svg('line', { class: 'grid', x1: '0', x2: String(this.width), y1: String(this.height * y), y2: String(this.height * y) }), this.area);
    }
    this.scale = document.createElement('span');
    this.scale.className = 'graph-scale';
    this.tip = document.createElement('span');
    this.tip.className = 'graph-tip';
    this.tip.hidden = true;
    this.element.append(this.svg, this.scale, this.tip);
    if (this.axes) {
      const x = document.createElement('span');
      x.className = 'graph-x-axis';
      const ago = document.createElement('span');
      ago.textContent = '60 s ago';
      const now = document.createElement('span');
      now.textContent = 'now';
      x.append(ago, now);
      this.top = document.createElement('span');
      this.top.className = 'graph-y-top';
      const zero = document.createElement('span');
      zero.className = 'graph-y-zero';
      zero.textContent = '0';
      this.element.append(this.top, zero, x);
    }
    this.svg.addEventListener('pointermove', (e) => this.#point(e));
    this.svg.addEventListener('pointerleave', () => {
      this.tip.hidden = true;
      this.cursor.setAttribute('visibility', 'hidden');
    });
  }

  /** Reads the value under the pointer. @param {PointerEvent} event */
  #point(event) {
    if (!this.values.length) return;
    const box = this.svg.getBoundingClientRect();
    const slot = Math.round(((event.clientX - box.left) / box.width) * (POINTS - 1));
    const index = slot - (POINTS - this.values.length);
    if (index < 0) {
      this.tip.textContent = 'no sample yet';
    } else {
      const ago = this.values.length - 1 - index;
      this.tip.textContent = `${this.format(this.values[index])}${ago ? `, ${ago} s ago` : ', now'}`;
    }
    this.tip.hidden = false;
    const x = ((slot / (POINTS - 1)) * this.width).toFixed(2);
    this.cursor.setAttribute('x1', x);
    this.cursor.setAttribute('x2', x);
    this.cursor.setAttribute('visibility', 'visible');
  }

  /** @param {number} value @param {number} limit the top of the scale */
  push(value, limit) {
    this.values.push(value);
    if (this.values.length > POINTS) this.values.shift();
    this.limit = Math.max(limit, ...this.values, 1e-9);
    const step = this.width / (POINTS - 1);
    const bottom = this.height - 1;
    const y = (/** @type {number} */ v) => (bottom - (v / this.limit) * (this.height - 3)).toFixed(2);
    const offset = POINTS - this.values.length;
    const points = this.values.map((v, i) => `${((i + offset) * step).toFixed(2)},${y(v)}`);
    this.line.setAttribute('points', points.join(' '));
    const first = (offset * step).toFixed(2);
    const last = ((POINTS - 1) * step).toFixed(2);
    this.area.setAttribute('points', `${first},${bottom} ${points.join(' ')} ${last},${bottom}`);
    // Before the first sample: the baseline across the full width, not an empty box.
    this.baseline.setAttribute('x2', first);
    this.scale.textContent = `of ${this.format(this.limit)}`;
    if (this.top) this.top.textContent = this.format(this.limit);
    this.svg.setAttribute('aria-label', `${this.label}: ${this.format(value)} of ${this.format(this.limit)}`);
  }
}
