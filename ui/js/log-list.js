// The log pane's list. It keeps the newest lines as data and draws only the rows in view
// (and a few around them), reusing their elements as the view moves: a flood of lines
// changes some rows' text instead of creating and dropping thousands of elements, which
// WebKit gives its memory back for only slowly (docs/BENCHMARKS.md, "A noisy service").
// Rows may wrap, so each has a height estimated from its length until it has been drawn
// and measured once.
import { renderAnsi, stripAnsi } from './ansi.js';
import { el } from './format.js';

/** Rows drawn above and below the view, so that a short scroll shows no blank. */
const OVERSCAN = 40;
/** Width of the service column, in characters. */
const SERVICE_WIDTH = 14;

/**
 * @typedef {{service: string, text: string, level: string | null, seq: number, plain: string, height: number}} Line
 */

export class LogList {
  /** @param {number} max the newest lines kept */
  constructor(max) {
    this.max = max;
    /** @type {Line[]} every kept line, oldest first */
    this.lines = [];
    /** @type {Line[]} the kept lines that pass the filter */
    this.shown = [];
    this.seq = 0;
    /** @type {(line: Line) => boolean} */
    this.passes = () => true;
    /** Whether the view stays on the newest line. */
    this.follow = true;
    this.wrap = true;
    this.element = el('pre', 'log-view');
    this.element.setAttribute('aria-live', 'off');
    this.element.setAttribute('aria-label', 'Log lines');
    this.element.tabIndex = 0;
    this.sizer = el('div', 'log-sizer');
    this.rows = el('div', 'log-rows');
    this.element.append(this.sizer, this.rows);
    /** @type {Map<Line, HTMLElement>} the rows drawn now, by line */
    this.drawn = new Map();
    /** One line's height and one character's width, measured when the view first has a size. */
    this.lineHeight = 0;
    this.charWidth = 0;
    this.width = 0;
    this.frame = 0;
    this.element.addEventListener('scroll', () => {
      const v = this.element;
      this.follow = v.scrollHeight - v.scrollTop - v.clientHeight < 24;
      this.#schedule();
    });
    new ResizeObserver(() => this.#schedule()).observe(this.element);
  }

  /**
   * Adds lines; the oldest beyond `max` are dropped.
   * @param {{service: string, text: string, level: string | null}[]} lines
   * @returns {number} how many of them pass the filter
   */
  append(lines) {
    let passed = 0;
    for (const { service, text, level } of lines.slice(-this.max)) {
      const line = { service, text, level, seq: this.seq++, plain: stripAnsi(text), height: 0 };
      this.lines.push(line);
      if (this.passes(line)) {
        this.shown.push(line);
        passed += 1;
      }
    }
    const excess = this.lines.length - this.max;
    if (excess > 0) {
      const oldest = this.lines[excess].seq;
      this.lines.splice(0, excess);
      let gone = 0;
      let height = 0;
      while (gone < this.shown.length && this.shown[gone].seq < oldest) height += this.#height(this.shown[gone++]);
      this.shown.splice(0, gone);
      // Someone reading older lines keeps them where they are while the oldest go.
      if (!this.follow) this.element.scrollTop -= height;
    }
    this.#schedule();
    return passed;
  }

  /** Shows only the lines `passes` accepts. @param {(line: Line) => boolean} passes */
  setFilter(passes) {
    this.passes = passes;
    this.shown = this.lines.filter(passes);
    this.#schedule();
  }

  /** @param {boolean} wrap */
  setWrap(wrap) {
    this.wrap = wrap;
    this.element.classList.toggle('nowrap', !wrap);
    for (const line of this.lines) line.height = 0;
    this.#schedule();
  }

  toBottom() {
    this.follow = true;
    this.#render();
  }

  /** The lines shown, as text (what Copy copies). */
  text() {
    return this.shown.map((l) => `${l.service.padEnd(SERVICE_WIDTH)} ${l.plain}`);
  }

  #schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.#render(); });
  }

  /** A line's height: measured once drawn, else estimated from its length. @param {Line} line */
  #height(line) {
    if (line.height) return line.height;
    if (!this.wrap || !this.charWidth) return this.lineHeight;
    const columns = Math.max(20, Math.floor(this.width / this.charWidth));
    return this.lineHeight * Math.max(1, Math.ceil((SERVICE_WIDTH + 1 + line.plain.length) / columns));
  }

  /** Measures a line's height and a character's width with a row of known text. */
  #measure() {
    const probe = el('div', 'log-line', 'x'.repeat(100));
    probe.style.whiteSpace = 'pre';
    probe.style.display = 'inline-block';
    this.rows.append(probe);
    const box = probe.getBoundingClientRect();
    probe.remove();
    this.lineHeight = box.height || 16;
    this.charWidth = box.width / 100;
  }

  #render() {
    const view = this.element;
    if (!view.isConnected || view.clientHeight === 0) return;
    const width = this.rows.clientWidth - parseFloat(getComputedStyle(this.rows).paddingLeft) * 2;
    if (!this.lineHeight) this.#measure();
    if (this.wrap && Math.abs(width - this.width) > 1) for (const line of this.lines) line.height = 0;
    this.width = width;
    const pad = parseFloat(getComputedStyle(view).paddingTop) || 0;
    for (let pass = 0; pass < 2; pass++) {
      let total = 0;
      for (const line of this.shown) total += this.#height(line);
      this.sizer.style.height = `${total + 2 * pad}px`;
      if (this.follow) view.scrollTop = view.scrollHeight;
      // The rows from a little above the view to a little below it.
      const top = view.scrollTop - pad;
      let y = 0;
      let first = 0;
      while (first < this.shown.length && y + this.#height(this.shown[first]) <= top) y += this.#height(this.shown[first++]);
      const start = Math.max(0, first - OVERSCAN);
      for (let i = start; i < first; i++) y -= this.#height(this.shown[i]);
      let end = first;
      let bottom = y;
      for (let i = start; i < first; i++) bottom += this.#height(this.shown[i]);
      while (end < this.shown.length && bottom < top + view.clientHeight) bottom += this.#height(this.shown[end++]);
      end = Math.min(this.shown.length, end + OVERSCAN);
      this.rows.style.transform = `translateY(${y + pad}px)`;
      const changed = this.#draw(this.shown.slice(start, end));
      if (!changed) break; // the estimates held; otherwise place the rows again with what was measured
    }
  }

  /**
   * Draws these lines, reusing the rows of lines still drawn and taking the rest from lines that
   * left the view; measures what it drew.
   * @param {Line[]} lines
   * @returns {boolean} whether a measured height differed from its estimate
   */
  #draw(lines) {
    const keep = new Set(lines);
    /** @type {HTMLElement[]} */
    const free = [];
    for (const [line, row] of this.drawn) {
      if (!keep.has(line)) {
        free.push(row);
        this.drawn.delete(line);
      }
    }
    const ordered = lines.map((line) => {
      let row = this.drawn.get(line);
      if (!row) {
        row = free.pop() ?? el('div');
        row.className = line.level ? `log-line log-${line.level}` : 'log-line';
        row.replaceChildren(el('span', 'log-service', line.service.padEnd(SERVICE_WIDTH)), ' ', renderAnsi(line.text));
        this.drawn.set(line, row);
      }
      return row;
    });
    const current = this.rows.children;
    if (ordered.length !== current.length || ordered.some((row, i) => current[i] !== row)) this.rows.replaceChildren(...ordered);
    let changed = false;
    for (const line of lines) {
      const measured = /** @type {HTMLElement} */ (this.drawn.get(line)).getBoundingClientRect().height;
      if (measured && Math.abs(measured - this.#height(line)) > 0.5) changed = true;
      if (measured) line.height = measured;
    }
    return changed;
  }
}
