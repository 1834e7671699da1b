// A live graph (SVG) of the last minute of CPU or memory, on a fixed scale with its
// limit: CPU from 0 to 100 % of one core (more when the service uses more), memory from 0
// to the container's limit (the engine's memory when it has none).
const SVG = 'http://www.w3.org/2000/svg';
const POINTS = 60;
const WIDTH = 120;
const HEIGHT = 32;

export class Sparkline extends EventTarget {
  /**
   * @param {string} label what it shows, for screen readers
   * @param {(value: number) => string} format how a value reads, e.g. `12 %`
   */
  constructor(label, format) {
    super();
    this.label = label;
    this.format = format;
    /** @type {number[]} */
    this.values = [];
    this.limit = 0;
    this.element = document.createElement('span');
    this.element.className = 'graph';
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute('class', 'sparkline');
    this.svg.setAttribute('role', 'img');
    this.svg.setAttribute('aria-label', label);
    const frame = document.createElementNS(SVG, 'rect');
    frame.setAttribute('class', 'frame');
    frame.setAttribute('x', '0.5');
    frame.setAttribute('y', '0.5');
    frame.setAttribute('width', String(WIDTH - 1));
    frame.setAttribute('height', String(HEIGHT - 1));
    this.area = document.createElementNS(SVG, 'polygon');
    this.line = document.createElementNS(SVG, 'polyline');
    this.svg.append(frame, this.area, this.line);
    this.scale = document.createElement('span');
    this.scale.className = 'graph-scale';
    this.element.append(this.svg, this.scale);
  }

  /** @param {number} value @param {number} limit the top of the scale */
  push(value, limit) {
    this.values.push(value);
    if (this.values.length > POINTS) this.values.shift();
    this.limit = Math.max(limit, ...this.values, 1e-9);
    const step = WIDTH / (POINTS - 1);
    const y = (/** @type {number} */ v) => (HEIGHT - 1 - (v / this.limit) * (HEIGHT - 3)).toFixed(2);
    const offset = POINTS - this.values.length;
    const points = this.values.map((v, i) => `${((i + offset) * step).toFixed(2)},${y(v)}`);
    this.line.setAttribute('points', points.join(' '));
    const first = (offset * step).toFixed(2);
    const last = ((POINTS - 1) * step).toFixed(2);
    this.area.setAttribute('points', `${first},${HEIGHT - 1} ${points.join(' ')} ${last},${HEIGHT - 1}`);
    this.scale.textContent = `of ${this.format(this.limit)}`;
    this.svg.setAttribute('aria-label', `${this.label}: ${this.format(value)} of ${this.format(this.limit)}`);
  }
}
