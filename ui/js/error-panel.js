// An error from core: what happened and what to do, never a raw debug string.
import { el } from './format.js';

export class ErrorPanel extends EventTarget {
  /**
   * @param {string} title
   * @param {import('./ipc.js').StackpilotError | Error} error
   */
  constructor(title, error) {
    super();
    const panel = el('section', 'error-panel');
    panel.setAttribute('role', 'alert');
    panel.append(el('h1', undefined, title));
    panel.append(el('pre', 'error-message', error.message));
    const hint = 'hint' in error ? error.hint : null;
    if (hint) panel.append(el('p', 'hint', `What to do: ${hint}`));
    const retry = el('button', 'retry', 'Try again');
    retry.addEventListener('click', () => this.dispatchEvent(new Event('retry')));
    // Never a dead end: another project can always be opened from here.
    const projects = el('button', 'projects', 'Open another project');
    projects.addEventListener('click', () => this.dispatchEvent(new Event('projects')));
    const actions = el('div', 'actions');
    actions.append(retry, projects);
    panel.append(actions);
    this.element = panel;
  }
}
