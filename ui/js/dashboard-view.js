// Dashboard: services with state, links, CPU and memory graphs; logs; restart, stop, down.
import { BackupsDialog, backupStep } from './backups-view.js';
import { ask, choose } from './confirm.js';
import { button, el, formatBytes, heading } from './format.js';
import { backupEnvironment, cancelTask, downEnvironment, engineOverview, environmentLinks, environmentStatus, followLogs, startEnvironment, followStats, openUrl, restartService, stopEnvironment, volumesAtRisk, watchEnvironment } from './ipc.js';
import { LogList } from './log-list.js';
import { Sparkline } from './sparkline.js';

const MAX_LOG_LINES = 2000;
/** States of a service with no running container. */
const NOT_RUNNING = ['exited', 'stopped', 'created', 'removed'];
/** How a graph reads CPU and memory. @param {number} v */
const percent = (v) => `${v.toFixed(v < 10 ? 1 : 0)} %`;
/** @param {number} v */
const bytes = (v) => formatBytes(Math.round(v));

/** @param {string | null} startedAt */
function uptime(startedAt) {
  if (!startedAt) return '';
  const secs = Math.max(0, (Date.now() - Date.parse(startedAt)) / 1000);
  return secs < 120 ? `${Math.round(secs)} s` : secs < 7200 ? `${Math.round(secs / 60)} min` : `${Math.round(secs / 3600)} h`;
}

export class DashboardView extends EventTarget {
  /** @param {string} env @param {string} title */
  constructor(env, title) {
    super();
    this.env = env;
    this.element = el('section', 'dashboard-view');
    this.element.append(heading(`${title} dashboard`, 'Live state of every service, straight from the Docker engine.'));
    this.links = el('nav', 'env-links');
    this.links.setAttribute('aria-label', 'Links');
    this.table = el('table', 'services');
    /** @type {Map<string, {cpu: Sparkline, mem: Sparkline, text: HTMLElement}>} */
    this.graphs = new Map();
    // The whole environment: CPU on the scale of the engine's cores, memory of the engine's memory.
    this.envCpu = new Sparkline('CPU of the whole environment', percent, { width: 480, height: 96, axes: true });
    this.envMem = new Sparkline('Memory of the whole environment', bytes, { width: 480, height: 96, axes: true });
    /** @type {Map<string, import('./ipc.js').StatsSample>} */
    this.lastSamples = new Map();
    /** Whether a stop, down or restart runs now. */
    this.busyNow = false;
    /** What a running operation says of its step (a backup's volume and bytes). */
    this.detail = '';
    this.lastEnvPush = 0;
    /** @type {{cpus: number, memory: number}} */
    this.machine = { cpus: 1, memory: 0 };
    const envGraphs = el('div', 'env-graphs');
    const figure = (/** @type {string} */ caption, /** @type {Sparkline} */ graph) => {
      const f = el('figure', 'env-graph');
      f.append(el('figcaption', undefined, caption), graph.element);
      return f;
    };
    envGraphs.append(figure('CPU, all services (100 % = one core)', this.envCpu), figure('Memory, all services', this.envMem));
    this.envGraphs = envGraphs;
    const logs = el('section', 'logs-pane');
    const bar = el('div', 'logs-bar');
    this.filter = el('select');
    this.filter.setAttribute('aria-label', 'Service whose logs to show');
    this.search = el('input');
    this.search.type = 'search';
    this.search.placeholder = 'Search logs';
    this.search.setAttribute('aria-label', 'Search logs');
    this.search.addEventListener('input', () => this.#applyFilter());
    this.filter.addEventListener('change', () => this.#applyFilter());
    const wrap = el('label', 'wrap-toggle');
    const wrapBox = el('input');
    wrapBox.type = 'checkbox';
    wrapBox.checked = true;
    wrapBox.addEventListener('change', () => this.logs.setWrap(wrapBox.checked));
    wrap.append(wrapBox, document.createTextNode(' Wrap long lines'));
    bar.append(el('h2', undefined, 'Logs'), this.filter, this.search, wrap, button('Copy', () => navigator.clipboard.writeText(this.logs.text().join('\n'))));
    this.logs = new LogList(MAX_LOG_LINES);
    // Reading older lines: new ones do not pull the view back down; a button does.
    this.unseen = 0;
    this.latest = button('Jump to the latest lines', () => this.#toBottom(), 'jump-latest');
    this.latest.hidden = true;
    this.logs.element.addEventListener('scroll', () => { if (this.logs.follow) this.#caughtUp(); });
    this.noMatch = el('p', 'no-match');
    this.noMatch.hidden = true;
    const view = el('div', 'log-wrap');
    view.append(this.logs.element, this.latest);
    logs.append(bar, this.noMatch, view);
    this.message = el('p', 'fix-message');
    this.message.setAttribute('aria-live', 'polite');
    const actions = el('div', 'actions');
    const volumes = el('label', 'volumes');
    this.volumes = el('input');
    this.volumes.type = 'checkbox';
    volumes.append(this.volumes, document.createTextNode(' also delete volumes (data)'));
    actions.append(
      button('Back to environments', () => this.dispatchEvent(new Event('back'))),
      button('Start', () => this.#start(), 'start'),
      button('Restart all', () => this.#busy('Restarting every service', () => restartService(this.env, null), 'Restarted every service.'), 'restart-all'),
      button('Stop', () => this.#stop(), 'stop'),
      button('Down', () => this.#down(), 'danger'),
      volumes,
      button('Backups…', () => this.#backups(), 'backups'),
    );
    this.element.append(this.links, this.envGraphs, this.table, actions, this.message, logs);
  }

  async load() {
    const services = await environmentStatus(this.env);
    if (!this.links.childElementCount) {
      const links = await environmentLinks(this.env).catch(() => []);
      for (const link of links) {
        const item = button(link.label, () => openUrl(link.url), 'env-link');
        item.title = link.url;
        item.dataset.url = link.url;
        this.links.append(item);
      }
    }
    const head = el('tr');
    for (const h of ['Service', 'State', 'Uptime', 'Links', 'CPU', 'Memory', '']) head.append(el('th', undefined, h));
    const rows = services.map((s) => {
      const row = el('tr', s.state.state);
      row.dataset.service = s.service;
      const links = el('td');
      for (const port of s.ports) {
        const url = `http://localhost:${port}`;
        links.append(button(url, () => openUrl(url), 'link'));
      }
      const graphs = this.graphs.get(s.service) ?? {
        cpu: new Sparkline(`CPU of ${s.service}`, percent),
        mem: new Sparkline(`Memory of ${s.service}`, bytes),
        text: el('span', 'usage'),
      };
      this.graphs.set(s.service, graphs);
      const cpu = el('td');
      cpu.append(graphs.cpu.element);
      const mem = el('td');
      mem.append(graphs.mem.element, graphs.text);
      const restart = el('td');
      const again = button('Restart', () => this.#busy(`Restarting ${s.service}`, () => restartService(this.env, s.service), `Restarted ${s.service}.`));
      again.setAttribute('aria-label', `Restart ${s.service}`);
      restart.append(again);
      const down = NOT_RUNNING.includes(s.state.state);
      const up = el('td', 'uptime', down ? '' : uptime(s.started_at));
      if (s.started_at && !down) up.dataset.started = s.started_at;
      row.append(el('td', 'service-name', s.service), el('td', 'state-chip', s.state.label), up, links, cpu, mem, restart);
      return row;
    });
    this.table.replaceChildren(head, ...(rows.length ? rows : [el('tr', undefined, 'Not running.')]));
    // Rows drawn while an operation runs keep its controls held.
    if (this.busyNow) for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (this.table.querySelectorAll('button'))) b.disabled = true;
    // The environment's graphs count the services that run now, not those gone.
    const present = new Set(services.filter((s) => !NOT_RUNNING.includes(s.state.state)).map((s) => s.service));
    for (const service of [...this.lastSamples.keys()]) if (!present.has(service)) this.lastSamples.delete(service);
    const current = this.filter.value;
    this.filter.replaceChildren(new Option('All services', ''), ...services.map((s) => new Option(s.service, s.service)));
    this.filter.value = current;
  }

  start() {
    // Every change of state, whoever caused it, arrives as an engine event: read the
    // states again (changes arriving together are read once).
    watchEnvironment(this.env, () => {
      clearTimeout(this.reread);
      this.reread = setTimeout(() => this.load().catch(() => {}), 150);
    }).catch((e) => { this.message.textContent = `Live updates stopped: ${e.message}`; });
    this.ticker = setInterval(() => {
      for (const cell of /** @type {NodeListOf<HTMLElement>} */ (this.table.querySelectorAll('td.uptime[data-started]'))) {
        cell.textContent = uptime(cell.dataset.started ?? null);
      }
    }, 1000);
    // The scale of the environment's graphs: the cores and memory of the engine's machine.
    engineOverview().then((o) => { if (o.facts) this.machine = { cpus: o.facts.cpus || 1, memory: o.facts.memory }; }).catch(() => {});
    followLogs(this.env, null, (lines) => this.#append(lines)).catch((e) => { this.message.textContent = `Logs stopped: ${e.message}`; });
    followStats(this.env, (sample) => {
      const g = this.graphs.get(sample.service);
      if (!g) return;
      g.cpu.push(sample.cpu_percent, 100);
      g.mem.push(sample.memory_bytes, sample.memory_limit);
      g.text.textContent = ` ${sample.cpu_percent.toFixed(1)} % · ${formatBytes(Math.round(sample.memory_bytes))}`;
      this.#environmentSample(sample);
    }).catch(() => {});
  }

  close() {
    cancelTask({ kind: 'logs', env: this.env });
    cancelTask({ kind: 'stats', env: this.env });
    cancelTask({ kind: 'watch', env: this.env });
    clearInterval(this.ticker);
    clearTimeout(this.reread);
  }

  /**
   * Adds a service's sample to the environment's graphs: the sums of every service's latest
   * sample, once a second.
   * @param {import('./ipc.js').StatsSample} sample
   */
  #environmentSample(sample) {
    this.lastSamples.set(sample.service, sample);
    const now = performance.now();
    if (now - this.lastEnvPush < 1000) return;
    this.lastEnvPush = now;
    let cpu = 0;
    let memory = 0;
    for (const s of this.lastSamples.values()) {
      cpu += s.cpu_percent;
      memory += s.memory_bytes;
    }
    this.envCpu.push(cpu, 100 * this.machine.cpus);
    this.envMem.push(memory, this.machine.memory || memory);
  }

  /** A batch of lines; the pane keeps the newest MAX_LOG_LINES. @param {import('./ipc.js').LogLine[]} lines */
  #append(lines) {
    const shown = this.logs.append(lines);
    if (!this.logs.follow && shown) {
      this.unseen += shown;
      this.latest.hidden = false;
      this.latest.textContent = `↓ ${this.unseen} new line${this.unseen === 1 ? '' : 's'}: jump to the latest`;
    }
    this.#countMatches();
  }

  #toBottom() {
    this.logs.toBottom();
    this.#caughtUp();
  }

  #caughtUp() {
    this.unseen = 0;
    this.latest.hidden = true;
  }

  /** Says so when a search or filter leaves no line to show. */
  #countMatches() {
    const term = this.search.value;
    const filtering = term !== '' || this.filter.value !== '';
    this.noMatch.hidden = this.logs.shown.length > 0 || !filtering || this.logs.lines.length === 0;
    this.noMatch.textContent = term ? `No line${this.filter.value ? ` of ${this.filter.value}` : ''} matches “${term}”.` : `No lines from ${this.filter.value} yet.`;
  }

  #applyFilter() {
    const service = this.filter.value;
    const term = this.search.value.toLowerCase();
    this.logs.setFilter((line) => (service === '' || line.service === service) && (term === '' || `${line.service} ${line.plain}`.toLowerCase().includes(term)));
    this.#countMatches();
  }

  /** Starts what is stopped, through the same start flow as Launch (checks, fixes, gate). */
  async #start() {
    this.message.textContent = 'Checking this machine…';
    try {
      const started = await startEnvironment(this.env, (event) => {
        if (event.kind === 'fixed') this.message.textContent = event.fix.summary;
        if (event.kind === 'up' && event.event.kind === 'state') this.message.textContent = `Starting: ${event.event.ready_count} of ${event.event.total} services ready`;
      });
      if (started.outcome.outcome === 'blocked') {
        this.message.replaceChildren(document.createTextNode(`${started.outcome.summary}. `), button('Open the checks', () => this.dispatchEvent(new Event('checks')), 'link'));
      } else {
        this.message.textContent = started.outcome.report.summary;
      }
    } catch (error) {
      this.message.textContent = `Could not start: ${/** @type {Error} */ (error).message}`;
    }
    await this.load();
  }

  /**
   * Runs a slow operation with the controls held: a live clock in the message while it
   * runs (each service's row changes as the engine reports it), then what happened, or
   * the error in red with what to do. Resolves whether it succeeded.
   * @param {string} doing @param {() => Promise<unknown>} work @param {string} done
   * @returns {Promise<boolean>}
   */
  async #busy(doing, work, done) {
    const buttons = /** @type {HTMLButtonElement[]} */ ([...this.element.querySelectorAll('.actions button, td button')]);
    for (const b of buttons) b.disabled = true;
    this.busyNow = true;
    this.message.classList.remove('status-fail');
    const began = performance.now();
    this.detail = '';
    const tick = () => { this.message.textContent = `${doing}… ${((performance.now() - began) / 1000).toFixed(0)} s ${this.detail || "(each service's state changes above as it goes)"}`; };
    tick();
    const clock = setInterval(tick, 500);
    try {
      await work();
      this.message.textContent = done;
      return true;
    } catch (error) {
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.message.classList.add('status-fail');
      this.message.textContent = `${doing} failed: ${e.message}${e.hint ? ` What to do: ${e.hint}` : ''}`;
      return false;
    } finally {
      clearInterval(clock);
      this.busyNow = false;
      for (const b of [...buttons, ...this.table.querySelectorAll('button')]) /** @type {HTMLButtonElement} */ (b).disabled = false;
    }
    await this.load().catch(() => {});
  }

  async #stop() {
    await this.#busy('Stopping', () => stopEnvironment(this.env), 'Stopped. The containers and their data are kept.');
  }

  async #down() {
    const volumes = this.volumes.checked;
    if (volumes) {
      // The volumes that hold data now: a backup of them is offered first.
      let unknown = '';
      const atRisk = await volumesAtRisk(this.env, null).catch((/** @type {Error} */ e) => { unknown = ` Stackpilot cannot tell which volumes hold data (${e.message}), so it offers no backup.`; return /** @type {string[]} */ ([]); });
      const body = atRisk.length
        ? `All data in ${atRisk.join(', ')} (databases, uploads) is lost. A backup keeps a copy that Backups… can restore.`
        : `All data in them (databases, uploads) is lost.${unknown}`;
      /** @type {import('./confirm.js').Choice[]} */
      const choices = atRisk.length
        ? [{ label: 'Back up, then delete', value: 'backup', kind: 'primary' }, { label: 'Delete without a backup', value: 'delete', kind: 'danger' }]
        : [{ label: 'Delete the volumes', value: 'delete', kind: 'danger' }];
      const choice = await choose({ title: 'Delete the volumes too?', body, danger: true }, choices);
      if (!choice) return;
      if (choice === 'backup') {
        const backedUp = await this.#busy('Backing up the volumes', () => backupEnvironment(this.env, atRisk, (e) => { this.detail = backupStep(e); }), 'Backed up.');
        if (!backedUp) return;
      }
    }
    await this.#busy('Removing the containers', () => downEnvironment(this.env, volumes), volumes ? 'Removed, with its volumes.' : 'Removed. Volumes are kept.');
  }

  async #backups() {
    const dialog = new BackupsDialog(this.env);
    dialog.addEventListener('closed', () => { this.load().catch(() => {}); });
    await dialog.open();
  }
}
