import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { runCli } from '../helpers/run-cli';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDataDir, tempDir } from '../helpers/test-core';

const file = (name: string, messages: Array<Record<string, unknown>> = []) => ({
  agents: [
    {
      id: 'a',
      name,
      system: 'Be helpful.',
      block_ids: [],
      tool_ids: [],
      messages,
      in_context_message_ids: [],
    },
  ],
  blocks: [],
  tools: [],
});

/** Runs `locus import file` and sends SIGTERM once stderr shows `progress`. */
async function importStoppedAt(file: string, dataDir: string, progress: string) {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/locus.js'),
      'import',
      file,
      '--data-dir',
      dataDir,
      '--embedder',
      'fake',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!signalled && stderr.includes(progress)) {
      signalled = true;
      child.kill('SIGTERM');
    }
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  return { code, signal, stderr, signalled };
}

describe('locus import: encodings, sizes and Ctrl+C', () => {
  it('reads Latin-1 and UTF-16 files, saying how they were read', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const latin1 = path.join(dataDir, 'latin1.af');
    fs.writeFileSync(latin1, Buffer.from(JSON.stringify(file('José Müller')), 'latin1'));
    const read = await runCli(['import', latin1, ...base]);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Imported "José Müller"');
    expect(read.stdout).toMatch(/read as Latin-1/);

    const utf16 = path.join(dataDir, 'utf16.af');
    const body = Buffer.from(JSON.stringify(file('Zoë')), 'utf16le');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
    const wide = await runCli(['import', utf16, ...base]);
    expect(wide.code).toBe(0);
    expect(wide.stdout).toContain('Imported "Zoë"');
  });

  it('refuses files over the limit by their size, before reading them', async () => {
    const dataDir = tempDir();
    for (const mb of [215, 600]) {
      const huge = path.join(dataDir, `huge-${mb}.af`);
      // Sparse: the size is real, the disk space is not used.
      fs.writeFileSync(huge, '');
      fs.truncateSync(huge, mb * 2 ** 20);
      const refused = await runCli(['import', huge, '--data-dir', dataDir, '--embedder', 'fake']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`AGENT_FILE_INVALID.*${mb} MB`));
    }
  });

  it('stops a long import on SIGTERM, imports nothing, and closes cleanly', async () => {
    const dataDir = await tempDataDir();
    const big = path.join(dataDir, 'big.af');
    const messages = Array.from({ length: 100_000 }, (_, i) => ({
      id: `m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: `message ${i} about the garden and the keys`,
    }));
    fs.writeFileSync(big, JSON.stringify(file('Big', messages)));
    // The first progress line: the rows are being written now.
    const { code, signal, stderr, signalled } = await importStoppedAt(
      big,
      dataDir,
      'Importing messages',
    );
    expect(signalled).toBe(true);
    // Handled by Locus (not killed by the signal): it said so and exited with 130.
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stderr).toMatch(/Stopping \(SIGTERM\)/);
    expect(stderr).toMatch(/CANCELLED.*nothing was imported/);
    const core = await createCore({ dataDir });
    try {
      expect((await core.agents.list()).map((a) => a.name)).not.toContain('Big');
    } finally {
      await core.dispose();
    }
  });
  it('shows progress while it writes passages, and stops there on SIGTERM with nothing imported', async () => {
    const dataDir = await tempDataDir();
    const big = path.join(dataDir, 'notes.af');
    const af = file('Notes');
    const archival = Array.from({ length: 50_000 }, (_, i) => ({
      id: `archival-${i}`,
      text: `note ${i} about the garden and the keys`,
      tags: [],
      created_at: '2026-01-01T00:00:00.000Z',
      source: { kind: 'user', ref: null },
    }));
    Object.assign(af.agents[0] as object, { metadata: { locus: { formatVersion: 1, archival } } });
    fs.writeFileSync(big, JSON.stringify(af));
    const { code, stderr, signalled } = await importStoppedAt(big, dataDir, 'Importing passages');
    // A file of passages only used to say "Importing messages 100% (0/0)" and nothing more.
    expect(stderr).not.toContain('(0/0)');
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toMatch(/CANCELLED.*nothing was imported/);
    const core = await createCore({ dataDir });
    try {
      expect((await core.agents.list()).map((a) => a.name)).not.toContain('Notes');
    } finally {
      await core.dispose();
    }
  });

  it('says passages are waiting to be embedded, not that another model embedded them', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await runCli(['memory', 'add', 'the spare key is in the shed', ...base]);
    await runCli(['memory', 'add', 'the garden tap leaks', ...base]);
    // As an interrupted import or embedding leaves them: stored, no vector yet.
    // The CLI's --embedder fake, so the vectors are not another model's.
    const core = await createCore({ dataDir, embedder: createFakeEmbedder({ dimensions: 384 }) });
    try {
      await core.database.pg.query('UPDATE passages SET embedding = NULL');
    } finally {
      await core.dispose();
    }
    const next = await runCli(['memory', 'blocks', ...base]);
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('2 passages are waiting to be embedded');
    expect(next.stderr).not.toContain('another model');
    // Embedded once: the command after says nothing about it.
    expect((await runCli(['memory', 'blocks', ...base])).stderr).not.toContain('embedd');
  });
});
