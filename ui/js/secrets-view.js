// Secrets: which the environment uses, generate the missing, rotate, reveal or copy one.
import { backupStep } from './backups-view.js';
import { choose } from './confirm.js';
import { button, el, heading } from './format.js';
import { backupEnvironment, generateSecrets, revealSecret, rotateSecret, secretsStatus, volumesAtRisk } from './ipc.js';

const REVEAL_SECONDS = 8;

/** @param {number | null} secs */
function when(secs) {
  return secs ? new Date(secs * 1000).toLocaleString() : '';
}

/** How long a copied secret stays on the clipboard. */
const CLIPBOARD_SECONDS = 30;

export class SecretsView extends EventTarget {
  /** @param {string} env @param {string} title */
  constructor(env, title) {
    super();
    this.env = env;
    this.element = el('section', 'secrets-view');
    this.element.append(heading(`Secrets of ${title}`, 'Generated passwords and keys live in your OS keychain, never in a file. They reach the containers only when the environment starts.'));
    this.where = el('p', 'keychain-name');
    this.table = el('table', 'secrets');
    this.message = el('p', 'fix-message');
    this.message.setAttribute('aria-live', 'polite');
    this.problem = el('div', 'keychain-problem status-fail');
    this.problem.setAttribute('role', 'alert');
    this.problem.hidden = true;
    const actions = el('div', 'actions');
    this.generateButton = button('Generate missing secrets', () => this.#generate(), 'generate');
    this.continueButton = button('Continue to launch', () => this.dispatchEvent(new Event('continue')), 'primary continue');
    actions.append(button('Back', () => this.dispatchEvent(new Event('back'))), this.generateButton, this.continueButton);
    this.element.append(this.where, this.problem, this.table, this.message, actions);
  }

  async load() {
    const view = await secretsStatus(this.env);
    this.where.textContent = `Stored in: ${view.keychain}`;
    const head = el('tr');
    for (const h of ['Secret', 'State', 'Last changed', '']) head.append(el('th', undefined, h));
    const rows = view.secrets.map((s) => {
      const row = el('tr', s.present ? 'present' : 'missing');
      row.dataset.secret = s.name;
      const name = el('td');
      name.append(el('code', undefined, s.name));
      if (s.description) name.append(el('div', 'muted', s.description));
      const value = el('td', 'secret-value', s.present ? 'in the keychain' : 'missing');
      const actions = el('td', 'row-actions');
      if (s.present) {
        actions.append(
          button('Reveal', () => this.#reveal(s.name, value)),
          button('Copy', () => this.#copy(s.name)),
          button('Rotate…', () => this.#rotate(s.name)),
        );
      }
      row.append(name, value, el('td', undefined, when(s.rotated ?? s.created)), actions);
      return row;
    });
    if (!rows.length) {
      this.table.replaceChildren(el('caption', undefined, 'This environment uses no secrets.'));
    } else {
      this.table.replaceChildren(head, ...rows);
    }
    const missing = view.secrets.filter((s) => !s.present).length;
    this.generateButton.hidden = missing === 0;
    const problem = view.keychain_error;
    this.#problem(problem ? { message: problem.message, hint: problem.hint } : null);
    this.generateButton.disabled = Boolean(problem);
    this.continueButton.disabled = Boolean(problem);
    if (problem) {
      this.message.textContent = 'The launch needs the keychain too: resolve this first, then Check again.';
      return;
    }
    this.message.textContent = missing ? `${missing} secret${missing === 1 ? ' is' : 's are'} missing: generate ${missing === 1 ? 'it' : 'them'} now, or Launch generates ${missing === 1 ? 'it' : 'them'} into the keychain.` : '';
  }

  /**
   * The keychain's problem in red with what to do, or nothing.
   * @param {{message: string, hint: string | null} | null} problem
   */
  #problem(problem) {
    this.problem.hidden = !problem;
    if (!problem) return;
    const again = button('Check again', () => this.load().catch((e) => this.#problem({ message: e.message, hint: e.hint ?? null })));
    this.problem.replaceChildren(el('strong', undefined, problem.message));
    if (problem.hint) this.problem.append(el('p', 'hint', `What to do: ${problem.hint}`));
    this.problem.append(again);
  }

  async #generate() {
    try {
      const generated = await generateSecrets(this.env);
      await this.load();
      this.message.textContent = `Generated ${generated.length} secret${generated.length === 1 ? '' : 's'} into the keychain.`;
    } catch (error) {
      // A locked keychain whose unlock prompt was cancelled, or one that went away.
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.#problem({ message: `Nothing was generated: ${e.message}`, hint: e.hint ?? null });
    }
  }

  /** @param {string} name @param {HTMLElement} cell */
  async #reveal(name, cell) {
    const value = await revealSecret(this.env, name);
    const code = el('code', 'revealed', value);
    cell.replaceChildren(code);
    setTimeout(() => cell.replaceChildren(document.createTextNode('in the keychain')), REVEAL_SECONDS * 1000);
  }

  /** @param {string} name */
  async #copy(name) {
    const value = await revealSecret(this.env, name);
    await navigator.clipboard.writeText(value);
    this.message.textContent = `${name} copied to the clipboard; it is cleared in ${CLIPBOARD_SECONDS} s.`;
    // Clear it after a while, unless something else has been copied since.
    setTimeout(async () => {
      const now = await navigator.clipboard.readText().catch(() => value);
      if (now === value) await navigator.clipboard.writeText('').catch(() => {});
    }, CLIPBOARD_SECONDS * 1000);
  }

  /** @param {string} name */
  async #rotate(name) {
    // Volumes of the services that receive the secret may hold data made with it.
    let unknown = '';
    const baked = await volumesAtRisk(this.env, [name]).catch((/** @type {Error} */ e) => { unknown = ` Stackpilot cannot tell which volumes hold it (${e.message}), so it offers no backup.`; return /** @type {string[]} */ ([]); });
    const body = 'Running services keep the old value until they are restarted, and a database password already stored in a data volume (PostgreSQL, MinIO) will no longer match.'
      + (baked.length ? ` ${baked.join(', ')} may hold data made with the current value: a backup keeps it restorable.` : unknown);
    /** @type {import('./confirm.js').Choice[]} */
    const choices = baked.length
      ? [{ label: 'Back up, then rotate', value: 'backup', kind: 'primary' }, { label: 'Rotate without a backup', value: 'rotate', kind: 'danger' }]
      : [{ label: 'Rotate', value: 'rotate', kind: 'danger' }];
    const choice = await choose({ title: `Rotate ${name}?`, body, danger: true }, choices);
    if (!choice) return;
    this.message.classList.remove('status-fail');
    try {
      if (choice === 'backup') {
        this.message.textContent = `Backing up ${baked.join(', ')}…`;
        const report = await backupEnvironment(this.env, baked, (e) => { this.message.textContent = backupStep(e); });
        this.message.textContent = `Backed up to ${report.path}. Rotating ${name}…`;
      }
      await rotateSecret(this.env, name);
    } catch (error) {
      const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
      this.message.textContent = `${name} was not rotated: ${e.message}${e.hint ? ` What to do: ${e.hint}` : ''}`;
      this.message.classList.add('status-fail');
      return;
    }
    await this.load();
    this.message.textContent = `${name} rotated${choice === 'backup' ? ' after a backup of ' + baked.join(', ') : ''}. Restart the services that use it.`;
  }
}
