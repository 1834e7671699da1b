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
export async function ask(question) {
  const choice = await choose(question, [{ label: question.confirm, value: 'confirm', kind: question.danger ? 'danger' : 'primary' }]);
  return choice === 'confirm';
}

/**
 * @typedef {object} Choice
 * @property {string} label the button's label
 * @property {string} value what `choose` resolves to
 * @property {'primary' | 'danger' | 'plain'} kind how the button looks
 */

/**
 * Asks the person to pick one of `choices` (shown after Cancel, in order); resolves the
 * chosen value, or null on Cancel or Escape. The safe choice has the focus: Cancel when
 * the question is dangerous, else the first choice.
 * @param {Omit<Question, 'confirm'> & {confirm?: string}} question
 * @param {Choice[]} choices
 * @returns {Promise<string | null>}
 */
export function choose(question, choices) {
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
  cancel.type = 'button';
  const buttons = choices.map((c) => {
    const b = el('button', `confirm ${c.kind === 'plain' ? '' : c.kind}`.trim(), c.label);
    b.type = 'button';
    b.dataset.value = c.value;
    return b;
  });
  actions.append(cancel, ...buttons);
  dialog.append(actions);
  document.body.append(dialog);
  return new Promise((resolve) => {
    /** @param {string | null} answer */
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(null));
    for (const b of buttons) b.addEventListener('click', () => close(b.dataset.value ?? null));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    dialog.showModal();
    (question.danger ? cancel : buttons[0] ?? cancel).focus();
  });
}
