import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tempDataDir } from '../helpers/test-core';

describe('locus export --out onto an existing file', () => {
  it('refuses without --force and leaves the file as it was; --force replaces it', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const out = path.join(dataDir, 'mine.af');
    fs.writeFileSync(out, 'my own notes, not an export');

    const refused = await runCli(['export', '--out', out, ...base]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FILE_EXISTS');
    expect(refused.stderr).toContain('--force');
    expect(fs.readFileSync(out, 'utf8')).toBe('my own notes, not an export');

    const markdown = await runCli(['export', '--markdown', '--out', out, ...base]);
    expect(markdown.code).toBe(1);
    expect(fs.readFileSync(out, 'utf8')).toBe('my own notes, not an export');

    const forced = await runCli(['export', '--out', out, '--force', ...base]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).agents).toHaveLength(1);
  }, 60_000);
});
