// Confirmations in a modal dialog of the window: awaited, keyboard-driven (Escape cancels,
// the safe choice has the focus), and able to show a preview such as a diff.
import { el } from './format.js';

/**
 * @typedef {object} Question
 * @property {string} title what will happen, as a question
 * @property {string} [body] why it matters
 * @property {string[]} [preview] lines shown as they are (a diff, a list of items)
 * @property {string} confirm the label of the button that does it
 * @property {boolean} [danger] whether it loses something (data, a container)
 */

/**
 * Asks the person; resolves true only when they choose the confirm button.
 * @param {Question} question
 * @returns {Promise<boolean>}
 */
export function ask(question) {
  const dialog = el('dialog', `confirm${question.danger ? ' danger' : ''}`);
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  dialog.append(el('h2', undefined, question.title));
  dialog.querySelector('h2')?.setAttribute('id', 'confirm-title');
  if (question.body) dialog.append(el('p', undefined, question.body));
  if (question.preview?.length) {
    const pre = el('pre', 'preview');
    for (const line of question.preview) {
      const cls = line.startsWith('+') ? 'added' : line.startsWith('-') ? 'removed' : undefined;
      pre.append(el('span', cls, `${line}\n`));
    }
    dialog.append(pre);
  }
  const actions = el('div', 'actions');
  const cancel = el('button', 'cancel', 'Cancel');
  const confirm = el('button', `confirm ${question.danger ? 'danger' : 'primary'}`, question.confirm);
  cancel.type = confirm.type = 'button';
  actions.append(cancel, confirm);
  dialog.append(actions);
  document.body.append(dialog);
  return new Promise((resolve) => {
    /** @param {boolean} answer */
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    dialog.showModal();
    (question.danger ? cancel : confirm).focus();
  });
}
