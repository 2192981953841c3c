import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tempDataDir } from '../helpers/test-core';

describe('locus capture (CLI, no Electron)', () => {
  it('reads the note from stdin when given "-", as memory add - and -p - do', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const note = 'Call the plumber on Monday\nabout the boiler in the cellar';

    const saved = await runCli(['capture', '-', '--json', ...base], { stdin: note });
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect((JSON.parse(saved.stdout) as { text: string }).text).toBe(note);

    const found = await runCli(['memory', 'search', 'boiler', '--json', ...base]);
    const page = JSON.parse(found.stdout) as { items: Array<{ text: string }> };
    expect(page.items.map((item) => item.text)).toEqual([note]);
  });
});
