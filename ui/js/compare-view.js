// Two environments side by side: what differs between them in Compose's resolved models
// (the same comparison as `stackpilot diff`), grouped by service, intended differences
// (the schema's drift.allow) marked as such.
import { button, el, heading } from './format.js';
import { compareEnvironments } from './ipc.js';

export class CompareView extends EventTarget {
  /** @param {{name: string, title: string}[]} environments @param {string} left @param {string} right */
  constructor(environments, left, right) {
    super();
    this.environments = environments;
    this.element = el('section', 'compare-view');
    this.element.append(heading('Compare environments', "What differs in Compose's resolved models: images, ports, variables, secrets (names only), limits, GPU needs, healthchecks, volumes."));
    const form = el('form', 'compare-pick');
    this.left = this.#picker('First environment', left);
    this.right = this.#picker('Second environment', right);
    const go = el('button', 'primary', 'Compare');
    go.type = 'submit';
    form.append(this.left, el('span', 'compare-arrow', '→'), this.right, go);
    form.addEventListener('submit', (e) => { e.preventDefault(); this.load(); });
    this.status = el('p', 'compare-status');
    this.status.setAttribute('role', 'status');
    this.table = el('table', 'compare-table');
    const actions = el('div', 'actions');
    actions.append(button('Back to environments', () => this.dispatchEvent(new Event('back'))));
    this.element.append(form, this.status, this.table, actions);
  }

  /** @param {string} label @param {string} chosen */
  #picker(label, chosen) {
    const select = el('select');
    select.setAttribute('aria-label', label);
    for (const e of this.environments) {
      const option = el('option', undefined, `${e.title} (${e.name})`);
      option.value = e.name;
      option.selected = e.name === chosen;
      select.append(option);
    }
    return select;
  }

  async load() {
    const [a, b] = [this.left.value, this.right.value];
    this.status.textContent = `Asking Compose for ${a} and ${b}…`;
    this.table.replaceChildren();
    try {
      const report = await compareEnvironments(a, b);
      this.status.className = `compare-status ${report.equal ? 'status-pass' : 'status-fail'}`;
      this.status.textContent = report.summary;
      if (report.differences.length === 0) return;
      const head = el('tr');
      for (const h of ['Service', 'What', a, b, '']) head.append(el('th', undefined, h));
      const rows = report.differences.map((d) => {
        const row = el('tr', d.allowed ? 'allowed' : 'drift');
        row.dataset.service = d.service ?? '';
        row.dataset.aspect = d.aspect;
        const what = d.name ? `${d.aspect.replace('_', ' ')} ${d.name}` : d.aspect.replace('_', ' ');
        row.append(
          el('td', 'compare-service', d.service ?? '(project)'),
          el('td', undefined, what),
          el('td', d.left === null ? 'muted' : undefined, d.left ?? 'none'),
          el('td', d.right === null ? 'muted' : undefined, d.right ?? 'none'),
          el('td', 'compare-mark', d.allowed ? 'allowed' : 'drift'),
        );
        return row;
      });
      this.table.replaceChildren(head, ...rows);
    } catch (error) {
      this.status.className = 'compare-status status-fail';
      this.status.textContent = `Could not compare: ${/** @type {Error} */ (error).message}`;
    }
  }
}
