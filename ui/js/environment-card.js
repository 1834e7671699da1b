// One environment as a card: title, what it runs, what it needs; pressing it picks it.
import { el, formatBytes } from './format.js';

/** @typedef {import('./ipc.js').EnvironmentSummary} EnvironmentSummary */

const SHOWN_SERVICES = 8;

export class EnvironmentCard extends EventTarget {
  /** @param {EnvironmentSummary} environment @param {boolean} running @param {boolean} [suggested] */
  constructor(environment, running, suggested = false) {
    super();
    this.environment = environment;
    this.element = this.#render(running, suggested);
  }

  /** @param {boolean} running @param {boolean} suggested */
  #render(running, suggested) {
    const env = this.environment;
    const item = el('li', 'environment-card');
    item.dataset.environment = env.name;
    const card = el('button', 'card-button');
    card.type = 'button';
    const fits = env.lacks.length === 0;
    card.setAttribute('aria-label', `${env.title} (${env.name})${running ? ', running' : ''}${suggested ? ', suggested to start with' : ''}${fits ? '' : `, ${env.lacks.join('; ')}`}`);
    card.addEventListener('click', () => this.dispatchEvent(new CustomEvent('select', { detail: env.name })));

    const header = el('header');
    header.append(el('h2', undefined, env.title), el('span', 'env-name', env.name));
    card.append(header);
    if (running) card.append(el('span', 'badge running', '● Running now'));
    if (suggested && !running) card.append(el('span', 'badge suggested', '★ Start here'));
    if (!fits) {
      item.classList.add('lacks');
      card.append(el('p', 'lacks-here', `Not on this machine: ${env.lacks.join('; ')}`));
    }
    if (env.description) card.append(el('p', 'env-description', env.description));

    const chips = el('ul', 'chips');
    chips.setAttribute('aria-label', 'Requirements');
    chips.append(el('li', env.needs_gpu ? 'chip gpu' : 'chip', env.needs_gpu ? 'NVIDIA GPU' : 'No GPU needed'));
    if (env.requires.memory) chips.append(el('li', 'chip', `${formatBytes(env.requires.memory)} memory`));
    if (env.requires.disk) chips.append(el('li', 'chip', `${formatBytes(env.requires.disk)} disk`));
    card.append(chips);

    card.append(this.#services());
    card.append(el('p', 'compose-files', env.compose_files.join(' + ')));
    item.append(card);
    return item;
  }

  #services() {
    const list = this.environment.services;
    const problems = this.environment.problems;
    if (problems.length) {
      const warning = el('p', 'service-warning', `Cannot be used: ${problems.map((p) => p.message).join('; ')}`);
      warning.title = problems.map((p) => `${p.file}${p.position ? `:${p.position.line}` : ''}: ${p.key_path}${p.hint ? ` — ${p.hint}` : ''}`).join('\n');
      return warning;
    }
    if (list.status === 'unavailable') {
      const warning = el('p', 'service-warning', `Services unknown: ${list.error.message}`);
      if (list.error.hint) warning.title = list.error.hint;
      return warning;
    }
    const names = list.services.map((s) => s.name);
    const ports = list.services.flatMap((s) => s.ports);
    const line = el('p', 'services');
    line.append(el('strong', 'service-count', `${names.length} service${names.length === 1 ? '' : 's'}`));
    const shown = names.slice(0, SHOWN_SERVICES).join(', ') + (names.length > SHOWN_SERVICES ? `, +${names.length - SHOWN_SERVICES} more` : '');
    line.append(el('span', 'service-names', ` · ${shown}`));
    if (ports.length) line.title = `Ports: ${ports.sort((a, b) => a - b).join(', ')}`;
    return line;
  }
}
