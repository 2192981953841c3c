import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { buildTinyGguf } from '../fixtures/make-tiny-gguf';
import { runCli } from '../helpers/run-cli';
import { onCleanup, tempDataDir } from '../helpers/test-core';

describe('locus chat and -p (CLI, scripted model, no Electron)', () => {
  it('answers one-shot prompts and remembers across runs', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake', '--model', 'scripted'];

    const told = await runCli(['-p', 'Hi, my name is Ada', ...base]);
    expect(told.code).toBe(0);
    expect(told.stdout.trim()).toBe("Got it, I'll remember that.");
    // The memory edit is shown as it happens, off stdout.
    expect(told.stderr).toContain('[core_memory_append]');

    const asked = await runCli(['-p', 'What is my name?', ...base]);
    expect(asked.stdout.trim()).toBe('Your name is Ada.');

    const blocks = await runCli(['memory', 'blocks', '--json', '--data-dir', dataDir]);
    const human = (JSON.parse(blocks.stdout) as Array<{ label: string; value: string }>).find(
      (b) => b.label === 'human',
    );
    expect(human?.value).toContain('Name: Ada');

    const history = await runCli(['memory', 'history', 'name', '--json', '--data-dir', dataDir]);
    const found = JSON.parse(history.stdout) as { items: Array<{ role: string; content: string }> };
    expect(found.items.map((m) => m.content)).toEqual(
      expect.arrayContaining(['Hi, my name is Ada', 'What is my name?']),
    );
  });

  it('runs an interactive session from stdin and prints JSON results on request', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake', '--model', 'scripted'];
    const session = await runCli(['chat', ...base], {
      stdin: 'Remember that the boat is called Petrel\nsearch boat\n/exit\nnever sent\n',
    });
    expect(session.code).toBe(0);
    expect(session.stdout).toContain("Got it, I'll remember that.");
    expect(session.stdout).toContain('Here is what I found: the boat is called Petrel');
    expect(session.stdout).not.toContain('never sent');

    const json = await runCli(['-p', 'search Petrel', '--json', ...base]);
    const result = JSON.parse(json.stdout) as { reply: string; stopReason: string; steps: number };
    expect(result).toMatchObject({ stopReason: 'replied', steps: 2 });
    expect(result.reply).toContain('Petrel');
  });

  it('shows the memories a message was given on request, and turns surfacing off', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake', '--model', 'scripted'];
    await runCli(['-p', 'Remember that the boat is called Petrel', ...base]);
    // Saved to archival memory by the scripted model's tool: out of the context window.

    const shown = await runCli([
      '-p',
      'Is the boat still called Petrel?',
      '--show-memories',
      ...base,
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/\[memories\] \d+ surfaced/);
    expect(shown.stderr).toContain('the boat is called Petrel');
    const quiet = await runCli(['-p', 'Is the boat still called Petrel?', ...base]);
    expect(quiet.stderr).not.toContain('[memories]');

    const session = await runCli(['chat', ...base], {
      stdin: '/memories\nWhat is the boat called, Petrel?\n/memories\n/exit\n',
    });
    expect(session.stderr).toContain('No message sent yet.');
    expect(session.stderr).toMatch(/\[memories\] (\d+ surfaced|none surfaced)/);

    const off = await runCli([
      '-p',
      'Is the boat still called Petrel?',
      '--show-memories',
      '--surfacing-tokens',
      '0',
      ...base,
    ]);
    expect(off.code).toBe(0);
    expect(off.stderr).not.toMatch(/\[memories\] \d+ surfaced/);
    // Asked to show them, it says why there are none rather than print nothing.
    expect(off.stderr).toContain('[memories] none: surfacing is off (--surfacing-tokens 1000');
    // Saved for the agent: later runs stay off.
    const later = await runCli(['-p', 'Petrel?', '--show-memories', ...base]);
    expect(later.stderr).not.toMatch(/\[memories\] \d+ surfaced/);
    const on = await runCli([
      '-p',
      'xyzzy',
      '--show-memories',
      '--surfacing-tokens',
      '1000',
      ...base,
    ]);
    expect(on.stderr).toContain('[memories] none surfaced');
  });

  it('tells the user how to get a model when none is chosen or the file is bad', async () => {
    const dataDir = await tempDataDir();
    const none = await runCli(['-p', 'hello', '--data-dir', dataDir, '--embedder', 'fake']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/MODEL_NOT_CONFIGURED.*locus models download/);

    const bad = path.join(dataDir, 'bad.gguf');
    fs.writeFileSync(bad, 'not a model');
    const invalid = await runCli(['chat', '--model', bad, '--data-dir', dataDir]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/MODEL_FILE_INVALID.*not a GGUF model file/);

    const missing = await runCli(['-p', 'hi', '--model', 'qwen3-1.7b', '--data-dir', dataDir]);
    expect(missing.stderr).toMatch(/not downloaded yet.*locus models download qwen3-1\.7b/);
  });

  it('downloads a catalogue model from a mirror, then uses it by id', async () => {
    const gguf = buildTinyGguf();
    const sha = crypto.createHash('sha256').update(gguf).digest('hex');
    const server = http.createServer((req, res) => {
      if (req.url?.endsWith('/Qwen3-1.7B-Q4_K_M.gguf')) {
        res.writeHead(200, {
          'content-length': String(gguf.length),
          'x-linked-etag': `"${sha}"`,
        });
        res.end(gguf);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dataDir = await tempDataDir();

    const download = await runCli(['models', 'download', 'qwen3-1.7b', '--data-dir', dataDir], {
      env: { LOCUS_HUB_URL: hub },
    });
    expect(download.stderr).toContain('Downloading qwen3-1.7b');
    expect(download.code).toBe(0);
    const file = path.join(dataDir, 'models', 'Qwen3-1.7B-Q4_K_M.gguf');
    expect(fs.readFileSync(file).equals(gguf)).toBe(true);

    const list = await runCli(['models', 'list', '--json', '--data-dir', dataDir]);
    const models = JSON.parse(list.stdout) as Array<{ id: string; downloaded: boolean }>;
    expect(models.find((m) => m.id === 'qwen3-1.7b')?.downloaded).toBe(true);
    expect(models.find((m) => m.id === 'qwen3-4b')?.downloaded).toBe(false);

    const use = await runCli([
      'models',
      'use',
      'qwen3-1.7b',
      '--data-dir',
      dataDir,
      '--embedder',
      'fake',
    ]);
    expect(use.code).toBe(0);
    expect(use.stdout).toContain(`now uses ${file}`);
    const core = await createCore({ dataDir });
    onCleanup(() => core.dispose());
    expect((await core.agents.getOrCreateDefault()).model.modelPath).toBe(file);
  });
});
