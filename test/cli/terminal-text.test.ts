import { describe, expect, it } from 'vitest';
import { terminalText } from '../../src/cli/terminal-text';
import { runCli } from '../helpers/run-cli';
import { tempDataDir } from '../helpers/test-core';

const ESC = '\x1b';
// Recolours the terminal, sets its title, and writes the clipboard (OSC 52).
const hostile = `Lunch with Ines ${ESC}[31mred${ESC}[0m ${ESC}]0;pwned\x07 ${ESC}]52;c;ZWNobyBoaQ==\x07 end`;

describe('printing memory on a terminal', () => {
  it('shows control characters as pictures, keeping newlines, tabs and every other character', () => {
    expect(terminalText(`a${ESC}[2Jb\tc\nd\r\ne\x00f\x7fg\x9bh Café 抹茶 🏃`)).toBe(
      'a␛[2Jb\tc\nd\ne␀f␡g\ufffdh Café 抹茶 🏃',
    );
  });

  it('never sends an escape sequence stored in a note to the terminal, in search results or a streamed reply', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    expect((await runCli(['capture', '-', ...base], { stdin: hostile })).code).toBe(0);

    const search = await runCli(['memory', 'search', 'Ines', ...base]);
    expect(search.stdout).toContain('Lunch with Ines ␛[31mred␛[0m ␛]0;pwned␇');
    expect(search.stdout).not.toContain(ESC);

    // The scripted model streams the message back: what a model copies from memory.
    const reply = await runCli(['-p', hostile, '--model', 'scripted', ...base]);
    expect(reply.stdout).toContain('You said: Lunch with Ines ␛[31mred');
    expect(reply.stdout).not.toContain(ESC);

    // JSON is for programs: the exact text, its control characters escaped by JSON.
    const json = await runCli(['memory', 'search', 'Ines', '--json', ...base]);
    const page = JSON.parse(json.stdout) as { items: Array<{ text: string }> };
    expect(page.items[0]?.text).toBe(hostile);
  });
});
