// A small live line graph (SVG), for CPU and memory.
const SVG = 'http://www.w3.org/2000/svg';
const POINTS = 40;

export class Sparkline extends EventTarget {
  /** @param {string} label */
  constructor(label) {
    super();
    /** @type {number[]} */
    this.values = [];
    this.element = document.createElementNS(SVG, 'svg');
    this.element.setAttribute('viewBox', `0 0 ${POINTS} 20`);
    this.element.setAttribute('class', 'sparkline');
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', label);
    this.line = document.createElementNS(SVG, 'polyline');
    this.element.append(this.line);
  }

  /** @param {number} value */
  push(value) {
    this.values.push(value);
    if (this.values.length > POINTS) this.values.shift();
    const max = Math.max(...this.values, 1e-9);
    const points = this.values.map((v, i) => `${i + POINTS - this.values.length},${(20 - (v / max) * 18 - 1).toFixed(2)}`);
    this.line.setAttribute('points', points.join(' '));
  }
}
