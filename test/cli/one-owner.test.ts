import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPathFor } from '../../src/core/storage/lock';
import { ownerFilePath, readOwner } from '../../src/core/host/owner-file';
import { runCli } from '../helpers/run-cli';
import { startServe } from '../helpers/serve-process';
import { repoRoot, spawnTsx, waitForExit, waitForOutput } from '../helpers/spawn-tsx';
import { onCleanup, tempDir } from '../helpers/test-core';

const ownerOf = (dataDir: string) =>
  JSON.parse(fs.readFileSync(ownerFilePath(dataDir), 'utf8')) as { pid: number; url: string };

describe('one owner, many clients (CLI against a running locus serve)', () => {
  it('runs capture, memory, -p and status through the process holding the folder', async () => {
    const dataDir = tempDir();
    const served = await startServe(dataDir);
    const base = ['--data-dir', dataDir];

    // Published for clients: this user only, the holder's pid, loopback only.
    const stat = fs.statSync(ownerFilePath(dataDir));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(ownerOf(dataDir)).toMatchObject({ pid: served.child.pid, url: served.url });

    const captured = await runCli(['capture', 'Call the plumber on Monday', ...base]);
    expect(captured.stderr).toBe('');
    expect(captured.code).toBe(0);
    expect(captured.stdout).toMatch(/Saved note \(passage-/);

    const piped = await runCli(['capture', ...base], { stdin: 'Buy oat milk\n' });
    expect(piped.code).toBe(0);

    const found = await runCli(['memory', 'search', 'plumber', '--json', ...base]);
    expect(found.code).toBe(0);
    const page = JSON.parse(found.stdout) as { items: Array<{ text: string; tags: string[] }> };
    expect(page.items[0]).toMatchObject({ text: 'Call the plumber on Monday', tags: ['note'] });

    // A turn runs in the serving process; its streamed reply reaches this one.
    const said = await runCli(['-p', 'my name is Ada', ...base]);
    expect(said.code).toBe(0);
    expect(said.stdout).toBe("Got it, I'll remember that.\n");
    expect(said.stderr).toContain('[core_memory_append]');
    const asked = await runCli(['-p', 'what is my name?', ...base]);
    expect(asked.stdout).toBe('Your name is Ada.\n');

    // A setting changed from the CLI takes effect in the running holder at once.
    const models = () =>
      fetch(`${served.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
    const shown = await runCli(['api', '--json', ...base]);
    const { apiKey } = JSON.parse(shown.stdout) as { apiKey: string };
    expect((await models()).status).toBe(404);
    expect((await runCli(['api', 'openai', 'on', ...base])).stdout).toContain(
      'OpenAI-compatible API (/v1/chat/completions): on',
    );
    expect((await models()).status).toBe(200);

    const status = await runCli(['status', ...base]);
    expect(status.stdout).toContain(`Served by: locus serve (process ${served.child.pid})`);
    expect(status.stdout).toContain('Archival passages: 2');

    // When the holder stops, it withdraws the publication and the folder opens directly.
    expect(await served.stop()).toBe(0);
    expect(fs.existsSync(ownerFilePath(dataDir))).toBe(false);
    const direct = await runCli(['status', ...base, '--embedder', 'fake']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).not.toContain('Served by');
    expect(direct.stdout).toContain('Archival passages: 2');
  });

  it('stops the reply in the holder when -p is interrupted with Ctrl+C', async () => {
    const dataDir = tempDir();
    // A slow stream, so the reply is still being written when Ctrl+C comes.
    await startServe(dataDir, [], { LOCUS_SCRIPTED_CHUNK_MS: '50' });
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const cli = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/locus.js'), '-p', long, '--data-dir', dataDir],
      { cwd: repoRoot },
    );
    onCleanup(() => void cli.kill('SIGKILL'));
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForOutput(cli, 'You said');
    cli.kill('SIGINT');
    expect(await waitForExit(cli)).toBe(0);
    expect(stderr).toContain('Stopping the reply');

    const history = await runCli(['memory', 'history', '--json', '--data-dir', dataDir]);
    expect(history.code).toBe(0);
    const texts = (JSON.parse(history.stdout) as { items: Array<{ content: string }> }).items.map(
      (m) => m.content,
    );
    expect(texts).toContain('Stopped by the user.');
  });

  it('is not misled by a publication its holder left behind when killed', async () => {
    const dataDir = tempDir();
    const served = await startServe(dataDir);
    served.child.kill('SIGKILL');
    await new Promise((resolve) => served.child.once('exit', resolve));
    // The crash left both the lock and the publication.
    expect(fs.existsSync(ownerFilePath(dataDir))).toBe(true);
    expect(fs.existsSync(lockPathFor(dataDir))).toBe(true);
    expect(readOwner(dataDir)).toBeNull();

    const result = await runCli(['memory', 'add', 'still works', '--data-dir', dataDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses, naming the holder, when the folder is held by a process that serves nothing', async () => {
    const dataDir = tempDir();
    const holder = spawnTsx('test/helpers/hold-data-dir.ts', [dataDir]);
    onCleanup(() => void holder.kill('SIGKILL'));
    await waitForOutput(holder, 'ready');
    // A forged publication for the holder's pid, pointing at a port nobody serves.
    fs.writeFileSync(
      ownerFilePath(dataDir),
      JSON.stringify({
        version: 1,
        pid: holder.pid,
        hostname: os.hostname(),
        url: 'http://127.0.0.1:9',
        token: 'x'.repeat(32),
        kind: 'forged',
        startedAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );
    const result = await runCli(['capture', 'hello', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATA_DIR_LOCKED');
    expect(result.stderr).toContain(`process ${holder.pid}`);
  });
});

describe('owner publication checks', () => {
  function publish(dataDir: string, patch: Record<string, unknown>, mode = 0o600): void {
    fs.mkdirSync(dataDir, { recursive: true });
    // This test process stands in as the lock holder.
    fs.writeFileSync(
      lockPathFor(dataDir),
      JSON.stringify({ pid: process.ppid, hostname: os.hostname(), command: 'x', startedAt: '' }),
    );
    fs.writeFileSync(
      ownerFilePath(dataDir),
      JSON.stringify({
        version: 1,
        pid: process.ppid,
        hostname: os.hostname(),
        url: 'http://127.0.0.1:4321',
        token: 't'.repeat(32),
        kind: 'test',
        startedAt: '2026-01-01T00:00:00.000Z',
        ...patch,
      }),
    );
    fs.chmodSync(ownerFilePath(dataDir), mode);
  }

  it('believes a well-formed file from the live lock holder', () => {
    const dir = path.join(tempDir(), 'data');
    publish(dir, {});
    expect(readOwner(dir)).toMatchObject({ pid: process.ppid, url: 'http://127.0.0.1:4321' });
  });

  it('ignores files others could have written, non-loopback addresses and other holders', () => {
    const dir = path.join(tempDir(), 'data');
    publish(dir, {}, 0o644);
    expect(readOwner(dir)).toBeNull();
    for (const url of [
      'http://192.168.1.5:4321',
      'https://127.0.0.1:4321',
      'http://evil.test:80',
    ]) {
      publish(dir, { url });
      expect(readOwner(dir)).toBeNull();
    }
    publish(dir, { pid: 999_999_999 });
    expect(readOwner(dir)).toBeNull();
    publish(dir, { hostname: 'another-machine' });
    expect(readOwner(dir)).toBeNull();
    publish(dir, {});
    fs.writeFileSync(ownerFilePath(dir), '{"version":1,', { mode: 0o600 });
    expect(readOwner(dir)).toBeNull();
  });
});
