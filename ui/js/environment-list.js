// The environment picker: a grid of environment cards.
import { EnvironmentCard } from './environment-card.js';
import { button, el } from './format.js';

/** @typedef {import('./ipc.js').WorkspaceView} WorkspaceView */

export class EnvironmentList extends EventTarget {
  /** @param {WorkspaceView} workspace */
  constructor(workspace) {
    super();
    this.workspace = workspace;
    this.element = this.#render();
  }

  #render() {
    const section = el('section', 'environment-list');
    const count = this.workspace.environments.length;
    section.append(el('h1', undefined, `Environments of ${this.workspace.project}`));
    section.append(el('p', 'lead', `${count} environment${count === 1 ? '' : 's'} defined in ${this.workspace.schema}. Pick one to check this machine and start it.`));
    const grid = el('ul', 'environment-grid');
    grid.setAttribute('aria-label', 'Environments');
    for (const environment of this.workspace.environments) {
      const card = new EnvironmentCard(environment, this.workspace.running.includes(environment.name), environment.name === this.workspace.suggested);
      card.addEventListener('select', (e) => this.dispatchEvent(new CustomEvent('select', { detail: /** @type {CustomEvent} */ (e).detail })));
      grid.append(card.element);
    }
    section.append(grid);
    if (count > 1) {
      const compare = el('p', 'compare-link');
      compare.append(button('Compare two environments…', () => this.dispatchEvent(new Event('compare')), 'link'));
      section.append(compare);
    }
    // On a first launch, the suggested one is where the keyboard starts.
    if (this.workspace.recent.length === 0 && this.workspace.suggested) {
      queueMicrotask(() => /** @type {HTMLElement | null} */ (grid.querySelector(`[data-environment="${this.workspace.suggested}"] .card-button`))?.focus());
    }
    return section;
  }
}
