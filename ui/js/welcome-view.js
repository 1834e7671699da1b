// First run: what Stackpilot does, and opening a workspace.
import { button, el } from './format.js';

export class WelcomeView extends EventTarget {
  /** @param {string[]} recent projects opened before, most recent first */
  constructor(recent) {
    super();
    const view = el('section', 'welcome');
    view.append(el('h1', undefined, 'Welcome to Stackpilot'));
    view.append(el('p', 'lead', 'Stackpilot starts a multi-environment Docker Compose stack with a click: it checks this machine, fixes what it can and keeps generated secrets in your OS keychain. Then it shows every service coming up.'));
    const open = el('div', 'welcome-actions');
    open.append(button('Open the built-in multimodal AI stack', () => this.#open(null), 'primary'));
    const form = el('form', 'open-folder');
    const input = el('input');
    input.type = 'text';
    input.placeholder = '/path/to/project (a Compose project, adopted if it has no schema yet)';
    input.setAttribute('aria-label', 'Workspace folder');
    const submit = el('button', undefined, 'Open folder');
    submit.type = 'submit';
    form.append(input, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#open(input.value);
    });
    open.append(form);

    view.append(open);
    if (recent.length) {
      view.append(el('h2', undefined, 'Recent'));
      const list = el('ul', 'recent');
      for (const path of recent) {
        const item = el('li');
        item.append(button(path, () => this.#open(path), 'link'));
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
