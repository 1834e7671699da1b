// The header's Help: which Stackpilot this is and where its log file is, with a way to
// show that folder (what a bug report needs).
import { button, el } from './format.js';
import { appInfo, openLogFolder } from './ipc.js';

/** @param {HTMLElement} host */
export function mountHelp(host) {
  host.append(button('Help', () => show(), 'help-button'));
}

async function show() {
  const dialog = el('dialog', 'help');
  dialog.setAttribute('aria-labelledby', 'help-title');
  const title = el('h2', undefined, 'About Stackpilot');
  title.id = 'help-title';
  dialog.append(title);
  const message = el('p', 'fix-message');
  try {
    const info = await appInfo();
    dialog.append(el('p', undefined, `Version ${info.version} (data version ${info.wire_version}).`));
    if (info.log_file) {
      const where = el('p', undefined, 'Log file (rotated at 5 MB, the three newest kept; secrets never written): ');
      where.append(el('code', 'log-file', info.log_file));
      dialog.append(where);
    }
  } catch (error) {
    message.textContent = /** @type {Error} */ (error).message;
  }
  dialog.append(el('p', 'muted', 'The same engine is on the command line: stackpilot --help, man stackpilot.'), message);
  const actions = el('div', 'actions');
  const close = button('Close', () => { dialog.close(); dialog.remove(); }, 'primary');
  actions.append(
    button('Show the log folder', () => openLogFolder().catch((e) => { message.textContent = e.message; })),
    close,
  );
  dialog.append(actions);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}
