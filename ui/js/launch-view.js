// Launch: a per-service timeline from start to healthy, live; a failure explains itself.
import { button, el, heading } from './format.js';
import { cancelTask, startEnvironment, stopEnvironment } from './ipc.js';

/** @typedef {import('./ipc.js').UpReport} UpReport */

export class LaunchView extends EventTarget {
  /** @param {string} env @param {string} title */
  constructor(env, title) {
    super();
    this.env = env;
    this.title = title;
    this.element = el('section', 'launch-view');
    this.element.append(heading(`Starting ${title}`, 'Each service goes from created to running or healthy. Stackpilot follows the Docker engine\'s own events.'));
    this.progress = el('progress', 'launch-progress');
    this.progress.max = 1;
    this.progress.value = 0;
    this.summary = el('p', 'run-status');
    this.summary.setAttribute('role', 'status');
    this.pullTotal = el('p', 'pull-total');
    this.pullTotal.hidden = true;
    this.timeline = el('ol', 'timeline');
    this.timeline.setAttribute('aria-label', 'Services');
    this.result = el('div', 'launch-result');
    this.actions = el('div', 'actions');
    this.element.append(this.progress, this.summary, this.pullTotal, this.timeline, this.result, this.actions);
    /** @type {Map<string, HTMLLIElement>} */
    this.rows = new Map();
    this.clock = el('span', 'clock');
    this.clock.setAttribute('aria-hidden', 'true');
    /** @type {number} */
    this.began = 0;
    /** @type {number | undefined} */
    this.ticker = undefined;
  }

  /** The overall clock, and each service's elapsed time while it is not settled, tick. */
  #tick() {
    const now = performance.now();
    this.clock.textContent = `Elapsed: ${((now - this.began) / 1000).toFixed(0)} s`;
    for (const row of this.rows.values()) {
      if (row.classList.contains('ready') || row.classList.contains('exited') || row.classList.contains('stopped')) continue;
      const since = Number(row.dataset.since || this.began);
      /** @type {HTMLElement} */ (row.querySelector('.elapsed')).textContent = `${((now - since) / 1000).toFixed(1)} s`;
    }
  }

  close() {
    clearInterval(this.ticker);
  }

  #stopClock() {
    this.#tick();
    clearInterval(this.ticker);
  }

  /** @param {string} service */
  #row(service) {
    let row = this.rows.get(service);
    if (!row) {
      row = el('li', 'service-row');
      row.dataset.service = service;
      row.dataset.since = String(this.began || performance.now());
      row.append(el('span', 'service-name', service), el('span', 'state-chip', 'waiting'), el('span', 'elapsed', ''));
      this.rows.set(service, row);
      this.timeline.append(row);
    }
    return row;
  }

  /**
   * @param {string} service
   * @param {string} label
   * @param {string} kind
   * @param {number | null} elapsedMs
   */
  #set(service, label, kind, elapsedMs) {
    const row = this.#row(service);
    row.className = `service-row ${kind}`;
    /** @type {HTMLElement} */ (row.querySelector('.state-chip')).textContent = label;
    if (elapsedMs !== null) /** @type {HTMLElement} */ (row.querySelector('.elapsed')).textContent = `${(elapsedMs / 1000).toFixed(1)} s`;
  }

  /**
   * A service's image download: a bar and its bytes, in the service's row.
   * @param {string} service @param {number} current @param {number} total @param {string} words
   */
  #pulled(service, current, total, words) {
    const row = this.#row(service);
    let bar = /** @type {HTMLProgressElement | null} */ (row.querySelector('.pull-bar'));
    if (!bar) {
      bar = el('progress', 'pull-bar');
      bar.setAttribute('aria-label', `Image of ${service}`);
      row.append(bar, el('span', 'pull-words'));
    }
    bar.max = Math.max(total, 1);
    bar.value = current;
    /** @type {HTMLElement} */ (row.querySelector('.pull-words')).textContent = words;
  }

  async start() {
    this.result.replaceChildren();
    this.actions.replaceChildren(button('Cancel', () => cancelTask({ kind: 'start', env: this.env })));
    this.summary.textContent = 'Checking this machine…';
    this.began = performance.now();
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.#tick(), 500);
    this.summary.after(this.clock);
    const fixed = el('ul', 'applied-fixes');
    try {
      const started = await startEnvironment(this.env, (event) => {
        if (event.kind === 'fixed') {
          fixed.append(el('li', event.fix.ok ? 'ok' : 'status-fail', event.fix.summary));
          if (!fixed.isConnected) this.result.append(fixed);
        } else if (event.kind === 'starting') {
          this.summary.textContent = 'Starting…';
        } else if (event.kind === 'up') {
          const up = event.event;
          if (up.kind === 'step') {
            this.#set(up.service, up.step.step === 'error' ? 'error' : up.step.step, 'step', null);
          } else if (up.kind === 'pull') {
            this.#pulled(up.service, up.current, up.total, up.words);
            this.pullTotal.hidden = false;
            this.pullTotal.textContent = `Pulling images: ${up.all_words}`;
          } else {
            this.#set(up.service, up.state.label, up.ready ? 'ready' : up.state.state, up.elapsed_ms);
            this.progress.max = up.total;
            this.progress.value = up.ready_count;
            this.summary.textContent = `${up.ready_count} of ${up.total} services ready`;
          }
        }
      });
      if (started.outcome.outcome === 'blocked') {
        this.#blocked(started.outcome.failed, started.outcome.summary);
        return;
      }
      this.#finish(started.outcome.report);
    } catch (error) {
      this.#stopClock();
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.summary.textContent = `Could not start: ${e.message}`;
      if (e.hint) this.result.append(el('p', 'hint', `What to do: ${e.hint}`));
      this.actions.replaceChildren(button('Back to checks', () => this.dispatchEvent(new Event('back'))), button('Retry', () => this.start()));
    }
  }

  /**
   * Checks failed that need the person: each with its details; the checks screen offers their fixes.
   * @param {import('./ipc.js').CheckResult[]} failed @param {string} summary
   */
  #blocked(failed, summary) {
    this.#stopClock();
    this.summary.textContent = `${summary}.`;
    this.summary.classList.add('status-fail');
    const list = el('ul', 'blockers');
    for (const check of failed) {
      const item = el('li', 'blocker');
      item.dataset.check = check.id;
      item.append(el('strong', undefined, `${check.title}: `), el('span', 'check-message', check.message));
      if (check.details.length) item.append(el('pre', 'check-details', check.details.join('\n')));
      list.append(item);
    }
    this.result.append(list);
    this.actions.replaceChildren(
      button('Back to checks', () => this.dispatchEvent(new Event('back')), 'primary'),
      button('Retry', () => this.start()),
    );
  }

  /** @param {UpReport} report */
  #finish(report) {
    this.#stopClock();
    for (const s of report.services) this.#set(s.service, s.state.label, s.ready ? 'ready' : s.state.state, null);
    const outcome = report.outcome;
    if (outcome.outcome === 'ready') {
      this.summary.textContent = report.summary;
      this.actions.replaceChildren(button('Open the dashboard', () => this.dispatchEvent(new Event('ready')), 'primary'));
      return;
    }
    const text = report.summary;
    this.summary.textContent = text;
    this.summary.classList.add('status-fail');
    for (const s of report.services) {
      const lines = s.last_logs.length ? s.last_logs : s.waited_for ? s.health_log : [];
      if (!lines.length) continue;
      const details = el('details', 'failure');
      details.open = true;
      details.dataset.service = s.service;
      details.append(el('summary', undefined, `${s.service}: ${s.state.label} — ${s.last_logs.length ? 'last log lines' : 'last healthcheck results'}`));
      details.append(el('pre', 'log-tail', lines.join('\n')));
      this.result.append(details);
    }
    this.result.append(el('p', 'muted', report.running.length ? `Still running: ${report.running.join(', ')}.` : 'Nothing of it is running.'));
    this.actions.replaceChildren(
      button('Back to checks', () => this.dispatchEvent(new Event('back'))),
      button('Retry', () => this.start(), 'primary'),
    );
    if (report.running.length) {
      this.actions.append(button('Stop what runs', async () => {
        await stopEnvironment(this.env);
        this.result.append(el('p', 'muted', 'Stopped.'));
      }));
    }
  }
}
