/**
 * Text from memory (an imported agent file, a pasted note, a model's reply)
 * made safe to print on a terminal: control characters other than newline
 * and tab are shown as their Unicode pictures (ESC as ␛) instead of being
 * sent raw. Raw, an escape sequence stored in a passage would recolour,
 * clear or retitle the user's terminal, or write their clipboard (OSC 52),
 * whenever a search printed it; a carriage return would let a line hide
 * what came before it. Carriage returns are dropped (CRLF becomes LF).
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x0d) return '';
    if (code === 0x7f) return '\u2421';
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return '\ufffd';
  });
}
