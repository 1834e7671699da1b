// The engine in the header: which Docker engine the stack runs on (context, address,
// version, CPUs, memory, where it is), with a menu of the docker CLI's contexts.
import { el, formatBytes } from './format.js';
import { chooseEngine, engineOverview } from './ipc.js';

/** @typedef {import('./ipc.js').EngineOverview} EngineOverview */

const PLACES = { thisMachine: 'this machine', virtualMachine: 'a VM', remote: 'another machine' };

export class EnginePicker extends EventTarget {
  /** @param {HTMLElement} host */
  constructor(host) {
    super();
    this.select = el('select', 'engine-select');
    this.select.id = 'engine-context';
    this.select.setAttribute('aria-label', 'Docker engine (context)');
    this.status = el('span', 'engine-status');
    this.status.setAttribute('role', 'status');
    host.replaceChildren(el('span', 'engine-label', 'Engine'), this.select, this.status);
    this.select.addEventListener('change', () => this.#choose(this.select.value));
  }

  /** Reads the engine in use again. */
  async refresh() {
    this.#show(await engineOverview().catch(() => null));
  }

  /** @param {string} context */
  async #choose(context) {
    this.select.disabled = true;
    this.status.textContent = `Connecting to ${context}…`;
    this.status.className = 'engine-status';
    try {
      this.#show(await chooseEngine(context));
      this.dispatchEvent(new Event('changed'));
    } finally {
      this.select.disabled = false;
    }
  }

  /** @param {EngineOverview | null} overview */
  #show(overview) {
    if (!overview) return;
    this.select.replaceChildren();
    this.select.title = overview.endpoint ? `${overview.endpoint.context}: ${overview.endpoint.host}` : '';
    const current = overview.endpoint?.context ?? '';
    for (const context of overview.contexts) {
      const option = el('option', undefined, context.name);
      option.value = context.name;
      option.selected = context.name === current;
      option.title = [context.host, context.description].filter(Boolean).join(' — ');
      this.select.append(option);
    }
    const facts = overview.facts;
    if (facts) {
      this.status.className = 'engine-status ok';
      this.status.textContent = `Docker ${facts.version.split('+')[0]} · ${facts.cpus} CPUs · ${formatBytes(facts.memory)}${facts.locality === 'thisMachine' ? '' : ` · on ${PLACES[facts.locality]}`}`;
      this.status.title = `${facts.endpoint.context} (${facts.endpoint.host}), from ${facts.endpoint.source}: ${facts.name}, ${facts.operating_system}, ${facts.os_type}/${facts.architecture}`;
    } else {
      this.status.className = 'engine-status error';
      this.status.textContent = overview.error ? overview.error.message : 'not answering';
      this.status.title = overview.error?.hint ?? '';
    }
  }
}
