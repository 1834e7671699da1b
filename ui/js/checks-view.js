// Checks: results appear as each check finishes; failures offer their fixes.
import { ask } from './confirm.js';
import { button, el, heading } from './format.js';
import { applyFix, previewEnvFileChange, previewReclaim, runChecks } from './ipc.js';

/** @typedef {import('./ipc.js').CheckResult} CheckResult */
/** @typedef {import('./ipc.js').Fix} Fix */

const MARKS = { pass: '✓', warn: '!', fail: '✗', skipped: '–' };
/** Failures first, then warnings: what needs the person is at the top. */
const ORDER = { fail: 0, warn: 1, pass: 2, skipped: 3 };

/** @param {Fix} fix */
export class ChecksView extends EventTarget {
  /**
   * @param {string} env @param {string} title
   * @param {{name: string, title: string} | null} [alternative] an environment this machine can run, offered when a GPU is missing
   */
  constructor(env, title, alternative = null) {
    super();
    this.env = env;
    this.alternative = alternative;
    this.element = el('section', 'checks-view');
    this.element.append(heading(`Checking ${title}`, 'Stackpilot checks that this machine can run the environment. Each problem comes with what to do; the buttons fix it for you.'));
    this.status = el('p', 'run-status');
    this.status.setAttribute('role', 'status');
    this.list = el('ul', 'check-list');
    this.list.setAttribute('aria-label', 'Checks');
    this.message = el('p', 'fix-message');
    this.message.setAttribute('aria-live', 'polite');
    const actions = el('div', 'actions');
    this.continueButton = button('Continue to secrets', () => this.dispatchEvent(new Event('continue')), 'primary continue');
    this.continueButton.disabled = true;
    actions.append(button('Back', () => this.dispatchEvent(new Event('back'))), button('Check again', () => this.run()), this.continueButton);
    this.element.append(this.status, this.list, this.message, actions);
  }

  async run() {
    // A re-run updates the rows in place (no flicker); a first run fills the list as results come.
    this.continueButton.disabled = true;
    const spinner = el('span', 'spinner');
    this.status.replaceChildren(spinner, el('span', undefined, ' Running the checks…'));
    /** @type {Map<string, HTMLLIElement>} */
    const rows = new Map();
    const report = await runChecks(this.env, (result) => {
      const row = this.#row(result);
      rows.set(result.id, row);
      const old = this.list.querySelector(`[data-check="${CSS.escape(result.id)}"]`);
      if (old) old.replaceWith(row);
      else this.list.append(row);
    });
    // Once everything is in: failures first, then warnings, each in the catalogue's order.
    const ordered = [...report.results].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
    this.list.replaceChildren(...ordered.map((r) => rows.get(r.id) ?? this.#row(r)));
    const { pass, warn, skipped } = report.summary;
    // Core says which failures need the person; the others the start fixes by itself.
    const fail = report.needs_person.length;
    const selfFixedCount = report.results.filter((r) => r.status === 'fail' && !report.needs_person.includes(r.id)).length;
    const selfFixed = selfFixedCount > 0;
    const added = selfFixed ? `, ${selfFixedCount} added when you launch` : '';
    const text = fail > 0
      ? `${fail} problem${fail === 1 ? '' : 's'} to fix before starting (${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${skipped} skipped${added}).`
      : selfFixed
        ? 'Ready for the next step: what is missing (secrets, env file keys) is added when you launch.'
      : warn > 0
        ? `Ready to start. ${warn} warning${warn === 1 ? '' : 's'} to know about: they do not stop the start.`
        : `All clear: ${pass} checks passed${skipped ? `, ${skipped} not needed` : ''}.`;
    this.status.replaceChildren(el('span', fail > 0 ? 'status-fail' : 'status-ok', text));
    const noGpu = report.results.some((r) => (r.id === 'gpu' || r.id === 'gpu.runtime') && r.status === 'fail');
    const other = this.alternative;
    if (noGpu && other) {
      this.status.append(
        document.createTextNode(' '),
        button(`Switch to ${other.title}`, () => this.dispatchEvent(new CustomEvent('switch', { detail: other.name })), 'switch-env'),
        el('span', 'muted', ' (needs no GPU)'),
      );
    }
    this.continueButton.disabled = fail > 0;
    return report;
  }

  /** @param {CheckResult} result */
  #row(result) {
    const row = el('li', `check ${result.status}`);
    row.dataset.check = result.id;
    const line = el('div', 'check-line');
    line.append(el('span', 'mark', MARKS[result.status]), el('strong', 'check-title', result.title), el('span', 'check-message', result.message));
    row.append(line);
    if (result.status !== 'pass' && result.details.length) {
      const details = el('ul', 'check-details');
      for (const d of result.details) details.append(el('li', undefined, d));
      row.append(details);
    }
    if (result.fixes.length) {
      const fixes = el('div', 'fixes');
      for (const fix of result.fixes) fixes.append(button(fix.destructive ? `${fix.label}…` : fix.label, () => this.#fix(fix), 'fix'));
      row.append(fixes);
    }
    return row;
  }

  /** @param {Fix} fix */
  async #fix(fix) {
    try {
      let confirmed = null;
      if (fix.kind === 'reclaimDiskSpace') {
        const items = await previewReclaim(this.env);
        const lines = items.map((i) => `${i.kind} ${i.name} (${(i.size / 1e6).toFixed(1)} MB)`).join('\n');
        if (!await ask({ title: `Remove these ${items.length} item(s)?`, body: 'They are unused by any container; the engine deletes them for good.', preview: lines.split('\n'), confirm: 'Remove them', danger: true })) return;
        confirmed = items;
      } else if (fix.kind === 'stopContainer' && !await ask({ title: `Stop container ${fix.container} of ${fix.project}?`, body: 'Its data stays; it can be started again.', confirm: 'Stop it', danger: true })) {
        return;
      } else {
        const change = await previewEnvFileChange(this.env, fix);
        if (change && change.diff.length) {
          const verb = change.creates ? 'creates' : 'changes';
          const title = `This ${verb} ${change.path}`;
          if (!await ask({ title, body: change.creates ? 'A new file, with these lines:' : 'These lines change; the previous version is kept as a .bak file.', preview: change.diff, confirm: 'Write it' })) return;
        }
      }
      const outcome = await applyFix(this.env, fix, confirmed);
      this.message.textContent = outcome.summary;
      await this.run();
    } catch (error) {
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.message.textContent = `The fix failed: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`;
    }
  }
}
