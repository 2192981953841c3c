import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDir } from '../helpers/test-core';
import { writeTinyGguf } from '../fixtures/make-tiny-gguf';

const canUnshare = spawnSync('unshare', ['-rn', 'true']).status === 0;

describe('no network egress', () => {
  it('blocks non-loopback connections inside the test suite', () => {
    expect(() => net.connect(443, '93.184.216.34')).toThrow(/egress blocked/);
  });

  // With no network interface but loopback, nothing can leave the machine:
  // chat, capture and loading a real GGUF through node-llama-cpp all still work.
  it.skipIf(!canUnshare)(
    'chats, captures and loads a GGUF model with networking unavailable',
    () => {
      const dataDir = tempDir();
      const model = writeTinyGguf(path.join(dataDir, 'tiny.gguf'), { contextLength: 16384 });
      const run = (args: string[]) =>
        spawnSync(
          'unshare',
          [
            '-rn',
            process.execPath,
            path.join(repoRoot, 'bin/locus.js'),
            ...args,
            '--data-dir',
            dataDir,
          ],
          // A synchronous spawn cannot be interrupted by the test's timeout:
          // this bounds only a hang (a loaded machine takes minutes, not hours).
          { cwd: repoRoot, encoding: 'utf8', timeout: 15 * 60_000 },
        );
      const scripted = run([
        '-p',
        'Hi, my name is Ada',
        '--model',
        'scripted',
        '--embedder',
        'auto',
      ]);
      expect(scripted.status, scripted.stderr).toBe(0);
      expect(scripted.stdout).toContain("Got it, I'll remember that.");
      const real = run(['capture', 'offline note']);
      expect(real.status, real.stderr).toBe(0);
      const loaded = run(['models', 'use', model, '--embedder', 'fake']);
      expect(loaded.status, loaded.stderr).toBe(0);
      expect(loaded.stdout).toContain('now uses');
    },
    600_000,
  );
});
