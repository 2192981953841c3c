import type { SerializedError } from '../shared/errors';
import { terminalText } from './terminal-text';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  json: boolean;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    // JSON is printed as is: its strings carry control characters escaped.
    out: (text) => process.stdout.write(`${json ? text : terminalText(text)}\n`),
    err: (text) => process.stderr.write(`${json ? text : terminalText(text)}\n`),
  };
}

/** A one-line progress bar on stderr (stdout stays clean for piping). */
export function progressPrinter(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let lastPercent = -1;
  return (done, total) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (percent === lastPercent) return;
    lastPercent = percent;
    const width = 24;
    const filled = Math.round((percent / 100) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const line = `${label} [${bar}] ${percent}% (${done}/${total})`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (done >= total || percent % 25 === 0) process.stderr.write(`${line}\n`);
  };
}

export function formatError(error: SerializedError): string {
  return `Error (${error.code}): ${error.message}`;
}
