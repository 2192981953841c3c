import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { spawnTsx, waitForOutput } from '../helpers/spawn-tsx';
import { createCore } from '../../src/core/create-core';
import { AUCKLAND, appendAcrossAucklandDays } from '../helpers/auckland-days';
import { onCleanup, tempDataDir } from '../helpers/test-core';

describe('locus memory (CLI, no Electron)', () => {
  it('shows and filters history by the days of the time zone it runs in', async () => {
    const dataDir = await tempDataDir();
    const core = await createCore({ dataDir });
    const agent = await core.agents.getOrCreateDefault();
    await appendAcrossAucklandDays(core, agent.id);
    await core.dispose();
    const env = { TZ: AUCKLAND };
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const day = await runCli(
      ['memory', 'history', '--start', '2026-12-02', '--end', '2026-12-02', ...base],
      { env },
    );
    expect(day.stdout).toContain('2026-12-02 09:00');
    expect(day.stdout).toContain('Breakfast with Mira');
    expect(day.stdout).not.toContain('Late film');
    const all = await runCli(['memory', 'history', 'Mira', ...base], { env });
    expect(all.stdout).toMatch(/2026-12-03 01:00 .*Late film with Mira/);
  });

  it("shows each search hit's score and marks the weak ones, in archival and history search", async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await runCli([
      'memory',
      'add',
      'The plumber comes on Tuesday to fix the kitchen sink',
      ...base,
    ]);
    await runCli(['memory', 'add', 'The kitchen light is broken again', ...base]);

    const search = await runCli(['memory', 'search', 'plumber kitchen sink', ...base]);
    expect(search.code).toBe(0);
    const [strong, weak, note] = search.stdout.trim().split('\n');
    expect(strong).toMatch(/ {2}\d\.\d\d {7}The plumber comes/);
    expect(weak).toMatch(/ {2}0\.\d\d weak {2}The kitchen light/);
    expect(note).toBe(
      'Weak: under 0.3, or under half the best score; such hits share little with "plumber kitchen sink".',
    );
    const scoreOf = (line = '') => Number(/ (\d\.\d\d) /.exec(line)?.[1]);
    expect(scoreOf(weak)).toBeLessThan(scoreOf(strong) / 2);

    // Two equal matches: neither is weak, and no note.
    const even = await runCli(['memory', 'search', 'kitchen', ...base]);
    expect(even.stdout).not.toContain('weak');
    expect(even.stdout).toMatch(/ {2}\d\.\d\d {7}The kitchen light/);

    await runCli(['-p', 'My locker code is 4512', '--model', 'scripted', ...base]);
    await runCli(['-p', 'The locker room is cold', '--model', 'scripted', ...base]);
    const history = await runCli(['memory', 'history', 'locker code 4512', ...base]);
    expect(history.stdout).toMatch(/ {2}\d\.\d\d {7}user: My locker code is 4512/);
    expect(history.stdout).toMatch(/ {2}0\.\d\d weak {2}(user|assistant): .*The locker room/);
    expect(history.stdout).not.toMatch(/weak {2}user: My locker code/);
    // Listing the newest messages ranks nothing, so it shows no scores.
    const newest = await runCli(['memory', 'history', ...base]);
    expect(newest.stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}(user|assistant): /m);
  });

  it('adds, searches and edits memory that persists between runs', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];

    const added = await runCli([
      'memory',
      'add',
      'Ada keeps bees on the roof',
      '--tags',
      'hobby',
      ...base,
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Saved to archival memory \(passage-/);

    // "-" reads the text from stdin, as -p - does; it used to save a passage "-".
    const piped = await runCli(['memory', 'add', '-', '--json', ...base], {
      stdin: 'The dentist appointment is on Tuesday\nat 9, bring the card',
    });
    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as { text: string }).text).toBe(
      'The dentist appointment is on Tuesday\nat 9, bring the card',
    );
    const found = await runCli(['memory', 'search', 'who keeps bees?', '--json', ...base]);
    expect(found.code).toBe(0);
    const page = JSON.parse(found.stdout) as { items: Array<{ text: string; tags: string[] }> };
    expect(page.items[0]).toMatchObject({ text: 'Ada keeps bees on the roof', tags: ['hobby'] });

    const filtered = await runCli([
      'memory',
      'search',
      'bees dentist',
      '--tags',
      'hobby',
      '--mode',
      'text',
      ...base,
    ]);
    expect(filtered.stdout.trim().split('\n')).toHaveLength(1);

    expect((await runCli(['memory', 'set', 'human', 'Name: Ada', ...base])).code).toBe(0);
    const blocks = await runCli(['memory', 'blocks', ...base]);
    expect(blocks.stdout).toContain('<human> 9/5000 chars\nName: Ada');
  });

  it('exits 2 with a usage hint on bad input and 1 with the code on refused calls', async () => {
    const dataDir = await tempDataDir();
    const usage = await runCli([
      'memory',
      'search',
      '--limit',
      'many',
      'x',
      '--data-dir',
      dataDir,
      '--embedder',
      'fake',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--limit must be a whole number');

    const tooLong = await runCli([
      'memory',
      'set',
      'human',
      'x'.repeat(6000),
      '--data-dir',
      dataDir,
      '--embedder',
      'fake',
    ]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('BLOCK_LIMIT_EXCEEDED');
    expect(tooLong.stderr).toContain('1000 over its limit of 5000');
  });

  it('refuses to open a data folder another process holds, naming it', async () => {
    const dataDir = await tempDataDir();
    const holder = spawnTsx('test/helpers/hold-data-dir.ts', [dataDir]);
    onCleanup(() => void holder.kill('SIGKILL'));
    await waitForOutput(holder, 'ready');
    const result = await runCli(['memory', 'blocks', '--data-dir', dataDir, '--embedder', 'fake']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATA_DIR_LOCKED');
    expect(result.stderr).toContain(`process ${holder.pid}`);
  });
});
