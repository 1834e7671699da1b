// The project switcher in the header, always there: the open project, the recent ones
// (with the environments running now), the built-in stack and "Open folder…".
import { el } from './format.js';
import { recentProjects } from './ipc.js';

/** @typedef {import('./ipc.js').ProjectEntry} ProjectEntry */

export class ProjectSwitcher extends EventTarget {
  /** @param {HTMLElement} host the header element it lives in */
  constructor(host) {
    super();
    this.toggle = el('button', 'switcher-button');
    this.toggle.type = 'button';
    this.toggle.id = 'project-switcher';
    this.toggle.setAttribute('aria-haspopup', 'menu');
    this.toggle.setAttribute('aria-expanded', 'false');
    this.name = el('span', 'switcher-name', 'No project open');
    this.path = el('span', 'switcher-path');
    this.toggle.append(this.name, el('span', 'switcher-caret', '▾'));
    this.menu = el('div', 'switcher-menu');
    this.menu.setAttribute('role', 'menu');
    this.menu.setAttribute('aria-label', 'Projects');
    this.menu.hidden = true;
    host.replaceChildren(this.toggle, this.path, this.menu);
    /** @type {string | null} */
    this.root = null;

    this.toggle.addEventListener('click', () => (this.menu.hidden ? this.#open() : this.close()));
    this.menu.addEventListener('keydown', (e) => this.#keys(e));
    document.addEventListener('click', (e) => {
      if (!this.menu.hidden && !host.contains(/** @type {Node} */ (e.target))) this.close();
    });
  }

  /** Shows the project that is open now. @param {string} root @param {string} project */
  current(root, project) {
    this.root = root;
    this.name.textContent = project;
    this.path.textContent = root;
    this.toggle.title = `${project} — ${root}`;
  }

  close() {
    this.menu.hidden = true;
    this.toggle.setAttribute('aria-expanded', 'false');
  }

  async #open() {
    this.menu.hidden = false;
    this.toggle.setAttribute('aria-expanded', 'true');
    this.menu.replaceChildren(el('p', 'switcher-note', 'Reading the recent projects…'));
    /** @type {ProjectEntry[]} */
    const entries = await recentProjects().catch(() => []);
    if (this.menu.hidden) return;
    this.menu.replaceChildren();
    if (entries.length) this.menu.append(el('p', 'switcher-heading', 'Recent projects'));
    for (const entry of entries) this.menu.append(this.#item(entry));
    this.menu.append(el('hr'));
    this.menu.append(this.#action('The built-in multimodal AI stack', 'open', null));
    this.menu.append(this.#action('Open folder…', 'pick', null));
    /** @type {HTMLElement | null} */ (this.menu.querySelector('[role="menuitem"]:not([aria-disabled="true"])'))?.focus();
  }

  /** @param {ProjectEntry} entry */
  #item(entry) {
    const item = el('button', 'switcher-item');
    item.type = 'button';
    item.setAttribute('role', 'menuitem');
    item.dataset.root = entry.root;
    const title = el('span', 'switcher-item-name', entry.name ?? entry.root.split('/').pop() ?? entry.root);
    if (entry.root === this.root) title.append(el('span', 'switcher-badge', 'open'));
    item.append(title, el('span', 'switcher-item-path', entry.root));
    if (entry.running.length) item.append(el('span', 'switcher-running', `● running: ${entry.running.join(', ')}`));
    if (entry.problem) {
      item.setAttribute('aria-disabled', 'true');
      item.append(el('span', 'switcher-problem', entry.problem));
    } else {
      item.addEventListener('click', () => this.#choose('open', entry.root));
    }
    return item;
  }

  /** @param {string} label @param {'open' | 'pick'} event @param {string | null} path */
  #action(label, event, path) {
    const item = el('button', 'switcher-item action', label);
    item.type = 'button';
    item.setAttribute('role', 'menuitem');
    item.dataset.action = event === 'pick' ? 'pick' : 'builtin';
    item.addEventListener('click', () => this.#choose(event, path));
    return item;
  }

  /** @param {'open' | 'pick'} event @param {string | null} path */
  #choose(event, path) {
    this.close();
    this.dispatchEvent(new CustomEvent(event, { detail: path }));
  }

  /** Arrow keys move between the items; Escape closes the menu. @param {KeyboardEvent} e */
  #keys(e) {
    const items = /** @type {HTMLElement[]} */ ([...this.menu.querySelectorAll('[role="menuitem"]')]);
    const at = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (e.key === 'Escape') {
      this.close();
      this.toggle.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    }
  }
}
