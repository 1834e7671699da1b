// Terminal colours in log lines (ANSI SGR codes) as styled spans; every other escape
// sequence is dropped, so no raw `\x1b[…` ever reaches the page.

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
// CSI sequences (colours, cursor moves), OSC sequences (titles, links), lone escapes.
const ESCAPE = /\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

/**
 * @param {string} text a log line as the container printed it
 * @returns {DocumentFragment}
 */
export function renderAnsi(text) {
  const out = document.createDocumentFragment();
  /** @type {{fg: string | null, bold: boolean, dim: boolean, underline: boolean}} */
  let style = { fg: null, bold: false, dim: false, underline: false };
  let last = 0;
  const emit = (/** @type {string} */ chunk) => {
    if (!chunk) return;
    if (!style.fg && !style.bold && !style.dim && !style.underline) {
      out.append(document.createTextNode(chunk));
      return;
    }
    const span = document.createElement('span');
    span.textContent = chunk;
    span.className = [style.fg && `ansi-${style.fg}`, style.bold && 'ansi-bold', style.dim && 'ansi-dim', style.underline && 'ansi-underline'].filter(Boolean).join(' ');
    out.append(span);
  };
  for (const match of text.matchAll(ESCAPE)) {
    emit(text.slice(last, match.index));
    last = (match.index ?? 0) + match[0].length;
    if (match[2] !== 'm') continue; // not a colour: dropped
    const codes = (match[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code === 0) style = { fg: null, bold: false, dim: false, underline: false };
      else if (code === 1) style.bold = true;
      else if (code === 2) style.dim = true;
      else if (code === 4) style.underline = true;
      else if (code === 22) style.bold = style.dim = false;
      else if (code === 24) style.underline = false;
      else if (code === 39) style.fg = null;
      else if (code >= 30 && code <= 37) style.fg = COLOURS[code - 30];
      else if (code >= 90 && code <= 97) style.fg = `bright-${COLOURS[code - 90]}`;
      else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : 4; // 256-colour / RGB: skipped
    }
  }
  emit(text.slice(last));
  return out;
}

/**
 * The text a line shows, without its escape sequences (for search and copy).
 * @param {string} text
 */
export function stripAnsi(text) {
  return text.replace(ESCAPE, '');
}
