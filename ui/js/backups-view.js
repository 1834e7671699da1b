// Backups of an environment's named volumes, in a dialog over the dashboard: the list
// (newest first), back up now, restore one after its plan is shown, delete one, keep only
// the newest few. Progress of each step is shown as it goes.
import { ask } from './confirm.js';
import { button, el, formatBytes as size } from './format.js';
import { backupEnvironment, deleteBackup, listBackups, planPrune, planRestore, restoreBackup } from './ipc.js';

/** What a backup's step says while it runs. @param {import('./ipc.js').BackupEvent} e */
export function backupStep(e) {
  switch (e.event) {
    case 'preparing': return `Creating (not starting) ${e.data.services.join(', ')} to reach the volumes…`;
    case 'volume': return `Reading ${e.data.volume} through ${e.data.through}${e.data.paused.length ? ` (${e.data.paused.join(', ')} paused meanwhile)` : ''}…`;
    case 'progress': return `Reading ${e.data.volume}: ${size(e.data.bytes)}…`;
    case 'written': return `${e.data.volume}: ${size(e.data.bytes)}, ${size(e.data.archive_bytes)} compressed.`;
  }
}

/** @param {import('./ipc.js').RestoreEvent} e */
function restoreStep(e) {
  switch (e.event) {
    case 'checking': return `Checking ${e.data.volume}: ${Math.round((100 * e.data.bytes) / Math.max(1, e.data.total))} %…`;
    case 'keepingCurrent': return `Backing up what is replaced. ${backupStep(e.data)}`;
    case 'preparing': return `Creating (not starting) ${e.data.services.join(', ')} to reach the volumes…`;
    case 'volume': return `Writing ${e.data.volume} through ${e.data.through}…`;
    case 'progress': return `Writing ${e.data.volume}: ${size(e.data.bytes)} of ${size(e.data.total)}…`;
    case 'restored': return `${e.data.volume} restored.`;
  }
}

export class BackupsDialog extends EventTarget {
  /** @param {string} env */
  constructor(env) {
    super();
    this.env = env;
    this.dialog = el('dialog', 'help backups');
    this.dialog.setAttribute('aria-labelledby', 'backups-title');
    const title = el('h2', undefined, `Backups of ${env}`);
    title.id = 'backups-title';
    this.status = el('p', 'backup-status');
    this.status.setAttribute('role', 'status');
    this.table = el('table', 'backup-table');
    this.keep = el('input', 'backup-keep');
    this.keep.type = 'number';
    this.keep.min = '0';
    this.keep.value = '5';
    this.keep.setAttribute('aria-label', 'Backups to keep');
    const prune = el('label', 'backup-prune');
    prune.append(document.createTextNode('Keep the newest '), this.keep, button('Delete the older ones…', () => this.#prune()));
    const actions = el('div', 'actions');
    this.close = button('Close', () => this.dialog.close(), 'close');
    actions.append(prune, button('Back up now', () => this.#backUp(), 'primary backup-now'), this.close);
    this.dialog.append(
      title,
      el('p', undefined, "Each named volume of the environment, compressed, with a manifest of sizes and checksums, in Stackpilot's data folder. A restore needs the environment stopped, and backs up the data it replaces first."),
      this.status,
      this.table,
      actions,
    );
    /** Whether a backup, a restore or a deletion runs: the dialog stays open until it ends. */
    this.busy = false;
    this.dialog.addEventListener('cancel', (e) => { if (this.busy) e.preventDefault(); });
    this.dialog.addEventListener('close', () => {
      this.dialog.remove();
      this.dispatchEvent(new Event('closed'));
    });
  }

  async open() {
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.close.focus();
    await this.load();
  }

  async load() {
    /** @type {import('./ipc.js').BackupEntry[]} */
    let backups;
    try {
      backups = await listBackups(this.env);
    } catch (error) {
      this.#failed('Listing the backups', error);
      return;
    }
    const head = el('tr');
    for (const h of ['Backup', 'Taken', 'Volumes', 'Size', '']) head.append(el('th', undefined, h));
    const rows = backups.map((b) => {
      const row = el('tr', b.manifest ? 'backup-row' : 'backup-row damaged');
      row.dataset.name = b.name;
      const taken = b.created ? new Date(b.created * 1000).toLocaleString() : '';
      const kept = b.manifest?.before_restoring ? ` (what the restore of ${b.manifest.before_restoring} replaced)` : '';
      const volumes = b.manifest ? b.manifest.volumes.map((v) => v.volume).join(', ') + kept : `damaged: ${b.problem ?? ''}`;
      const bytes = b.manifest ? b.manifest.volumes.reduce((sum, v) => sum + v.bytes, 0) : 0;
      const onDisk = b.manifest ? b.manifest.volumes.reduce((sum, v) => sum + v.archive_bytes, 0) : 0;
      const actions = el('td', 'backup-actions');
      if (b.manifest) {
        const restore = button('Restore…', () => this.#restore(b.name), 'restore');
        restore.setAttribute('aria-label', `Restore ${b.name}`);
        const remove = button('Delete…', () => this.#delete(b.name), 'delete');
        remove.setAttribute('aria-label', `Delete ${b.name}`);
        actions.append(restore, remove);
      }
      row.append(el('td', 'backup-name', b.name), el('td', undefined, taken), el('td', undefined, volumes), el('td', 'backup-size', b.manifest ? `${size(bytes)} (${size(onDisk)} on disk)` : ''), actions);
      return row;
    });
    const empty = el('tr');
    empty.append(el('td', 'muted', 'No backups yet: "Back up now" makes one.'));
    this.table.replaceChildren(head, ...(rows.length ? rows : [empty]));
  }

  /** Runs `work` with the dialog's buttons held; true when it succeeded. @param {string} doing @param {() => Promise<string>} work */
  async #run(doing, work) {
    const buttons = /** @type {HTMLButtonElement[]} */ ([...this.dialog.querySelectorAll('button')]);
    for (const b of buttons) b.disabled = true;
    this.busy = true;
    this.status.className = 'backup-status';
    this.status.textContent = `${doing}…`;
    try {
      this.status.textContent = await work();
      this.status.classList.add('status-pass');
      return true;
    } catch (error) {
      this.#failed(doing, error);
      return false;
    } finally {
      for (const b of buttons) b.disabled = false;
      this.busy = false;
      await this.load();
    }
  }

  /** @param {string} doing @param {unknown} error */
  #failed(doing, error) {
    const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
    this.status.className = 'backup-status status-fail';
    this.status.textContent = `${doing} failed: ${e.message}${e.hint ? ` What to do: ${e.hint}` : ''}`;
  }

  async #backUp() {
    await this.#run('Backing up', async () => {
      const report = await backupEnvironment(this.env, [], (e) => { this.status.textContent = backupStep(e); });
      const skipped = report.skipped.map((s) => ` Left out ${s.volume}: ${s.reason}.`).join('');
      const total = report.manifest.volumes.reduce((sum, v) => sum + v.bytes, 0);
      return `Backed up ${report.manifest.volumes.map((v) => v.volume).join(', ')} (${size(total)}) in ${(report.millis / 1000).toFixed(1)} s.${skipped}`;
    });
  }

  /** @param {string} name */
  async #restore(name) {
    /** @type {import('./ipc.js').RestorePreview | null} */
    let preview = null;
    await this.#run('Checking the backup', async () => {
      preview = await planRestore(this.env, name, (e) => { this.status.textContent = restoreStep(e); });
      return 'The backup is sound.';
    });
    if (!preview) return;
    const plan = /** @type {import('./ipc.js').RestorePreview} */ (preview);
    const keeps = plan.plan.volumes.some((v) => v.exists);
    const body = `The volumes below get the backup's data${keeps ? '; what they hold now is backed up first' : ''}. Start the environment afterwards to use it.`;
    if (!await ask({ title: `Restore ${name}?`, body, preview: plan.lines, confirm: 'Restore', danger: keeps })) return;
    const done = await this.#run('Restoring', async () => {
      const report = await restoreBackup(this.env, name, (e) => { this.status.textContent = restoreStep(e); });
      const kept = report.kept ? ' The data replaced is in the newest backup.' : '';
      return `Restored ${report.volumes.join(', ')} in ${(report.millis / 1000).toFixed(1)} s.${kept} Start the environment to use it.`;
    });
    if (done) this.dispatchEvent(new Event('restored'));
  }

  /** @param {string} name */
  async #delete(name) {
    if (!await ask({ title: `Delete ${name}?`, body: 'Its archives are deleted from the disk; it cannot be restored afterwards.', confirm: 'Delete', danger: true })) return;
    await this.#run('Deleting', async () => {
      await deleteBackup(this.env, name);
      return `Deleted ${name}.`;
    });
  }

  async #prune() {
    const keep = Math.floor(Number(this.keep.value));
    if (!this.keep.value.trim() || !Number.isFinite(keep) || keep < 1) {
      this.status.className = 'backup-status status-fail';
      this.status.textContent = 'Say how many of the newest backups to keep: 1 or more (a single backup is deleted with its own Delete…).';
      return;
    }
    /** @type {import('./ipc.js').BackupEntry[]} */
    let doomed = [];
    try {
      doomed = await planPrune(this.env, keep);
    } catch (error) {
      this.#failed('Pruning', error);
      return;
    }
    if (!doomed.length) {
      this.status.className = 'backup-status';
      this.status.textContent = `Nothing to delete: there are ${keep} backups or fewer.`;
      return;
    }
    if (!await ask({ title: `Delete ${doomed.length} older backup(s)?`, body: `The newest ${keep} are kept. Backups whose manifest does not read are never deleted here.`, preview: doomed.map((b) => b.name), confirm: 'Delete them', danger: true })) return;
    await this.#run('Deleting the older backups', async () => {
      for (const b of doomed) await deleteBackup(this.env, b.name);
      return `Deleted ${doomed.length} backup(s); the newest ${keep} are kept.`;
    });
  }
}
