// First run: what Stackpilot does, and opening a project.
import { button, el } from './format.js';

/** @typedef {import('./ipc.js').ProjectEntry} ProjectEntry */

export class WelcomeView extends EventTarget {
  /** @param {ProjectEntry[]} recent projects opened before, most recent first */
  constructor(recent) {
    super();
    const view = el('section', 'welcome');
    view.append(el('h1', undefined, 'Welcome to Stackpilot'));
    view.append(el('p', 'lead', 'Stackpilot starts a multi-environment Docker Compose stack with a click: it checks this machine, fixes what it can and keeps generated secrets in your OS keychain. Then it shows every service coming up.'));
    const open = el('div', 'welcome-actions');
    const pick = button('Open folder…', () => this.dispatchEvent(new Event('pick')), 'primary');
    pick.id = 'pick-folder';
    open.append(pick, button('Open the built-in multimodal AI stack', () => this.#open(null)));
    view.append(open);
    view.append(el('p', 'muted', 'Any folder with a Compose project opens; one without a Stackpilot schema is adopted first (nothing in it changes until you choose Create).'));

    const form = el('form', 'open-folder');
    const input = el('input');
    input.type = 'text';
    input.placeholder = '…or type a path: /path/to/project';
    input.setAttribute('aria-label', 'Project folder');
    const submit = el('button', undefined, 'Open');
    submit.type = 'submit';
    form.append(input, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#open(input.value);
    });
    view.append(form);

    if (recent.length) {
      view.append(el('h2', undefined, 'Recent'));
      const list = el('ul', 'recent');
      for (const entry of recent) {
        const item = el('li');
        const link = button(entry.name ? `${entry.name} — ${entry.root}` : entry.root, () => this.#open(entry.root), 'link');
        link.disabled = Boolean(entry.problem);
        item.append(link);
        if (entry.running.length) item.append(el('span', 'switcher-running', ` ● running: ${entry.running.join(', ')}`));
        if (entry.problem) item.append(el('span', 'switcher-problem', ` ${entry.problem}`));
        list.append(item);
      }
      view.append(list);
    }
    this.element = view;
  }

  /** @param {string | null} path */
  #open(path) {
    this.dispatchEvent(new CustomEvent('open', { detail: path }));
  }
}
