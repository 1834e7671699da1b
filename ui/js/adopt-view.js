// A folder with Compose files and no schema: what Stackpilot proposes, names editable,
// each environment can be left out; Create writes the schema and opens the project.
import { button, el, formatBytes, heading } from './format.js';
import { adoptProject } from './ipc.js';

/** @typedef {import('./ipc.js').Proposal} Proposal */

export class AdoptView extends EventTarget {
  /** @param {string} path @param {Proposal} proposal */
  constructor(path, proposal) {
    super();
    this.path = path;
    this.proposal = proposal;
    /** @type {{name: string, include: HTMLInputElement, rename: HTMLInputElement}[]} */
    this.rows = [];
    this.message = el('p', 'fix-message');
    this.element = this.#render();
  }

  #render() {
    const view = el('section', 'adopt-view');
    view.append(heading('Adopt this project', `${this.path} has Compose files but no Stackpilot schema. Stackpilot read it the way docker compose does and proposes these environments; the project name stays ${this.proposal.project}, so your containers and volumes stay the same.`));
    const list = el('ul', 'adopt-list');
    for (const env of this.proposal.environments) {
      const item = el('li', 'adopt-environment');
      item.dataset.environment = env.name;
      const include = el('input');
      include.type = 'checkbox';
      include.checked = true;
      include.setAttribute('aria-label', `Keep ${env.name}`);
      const rename = el('input', 'adopt-name');
      rename.type = 'text';
      rename.value = env.name;
      rename.setAttribute('aria-label', `Name of ${env.name}`);
      const head = el('div', 'adopt-head');
      head.append(include, rename, el('span', 'env-name', `Compose project ${env.project_name}`));
      item.append(head);
      const facts = el('ul', 'check-details');
      facts.append(el('li', undefined, `Files: ${env.compose.join(' + ')} (${env.compose_source})`));
      facts.append(el('li', undefined, `${env.services.length} service(s): ${env.services.join(', ')}`));
      const needs = [env.gpu ? 'NVIDIA GPU' : 'no GPU'];
      if (env.memory) needs.push(`${formatBytes(env.memory[0])} memory`);
      facts.append(el('li', undefined, `Needs: ${needs.join(', ')}`));
      if (env.secrets.length) facts.append(el('li', undefined, `Secrets (kept in the keychain): ${env.secrets.join(', ')}`));
      item.append(facts);
      list.append(item);
      this.rows.push({ name: env.name, include, rename });
    }
    view.append(list);
    if (this.proposal.notes.length) {
      const notes = el('ul', 'adopt-notes');
      for (const note of this.proposal.notes) notes.append(el('li', undefined, note));
      view.append(el('h2', undefined, 'Good to know'), notes);
    }
    this.message.setAttribute('role', 'status');
    const actions = el('div', 'actions');
    actions.append(button('Back', () => this.dispatchEvent(new Event('back'))), button(`Create ${this.proposal.folder}/stackpilot.yaml`, () => this.#create(), 'primary create'));
    view.append(this.message, actions);
    return view;
  }

  async #create() {
    const choices = this.rows.map((r) => ({ name: r.name, rename: r.rename.value, include: r.include.checked }));
    this.message.textContent = 'Writing the schema…';
    try {
      const adopted = await adoptProject(this.path, choices);
      this.dispatchEvent(new CustomEvent('adopted', { detail: adopted }));
    } catch (error) {
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.message.textContent = `${e.message}${e.hint ? ` — ${e.hint}` : ''}`;
    }
  }
}
