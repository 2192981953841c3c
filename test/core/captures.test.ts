import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureJournal } from '../../src/core/capture/capture-journal';
import { createCore } from '../../src/core/create-core';
import { dispatch } from '../../src/core/host/dispatch';
import { dataDirLayout } from '../../src/core/storage/data-dir';
import { runCli } from '../helpers/run-cli';
import { outputUntilExit, spawnTsx } from '../helpers/spawn-tsx';
import { onServer } from '../helpers/test-backend';
import { durableStorage, onCleanup, tempDir, templateBlob, testCore } from '../helpers/test-core';

describe('quick capture', () => {
  it('saves a note as an archival passage tagged "note" with its time and source', async () => {
    const core = await testCore();
    const agent = await core.agents.getOrCreateDefault();
    const before = core.clock.now().getTime();
    const result = await dispatch(core.handlers, 'captures.add', {
      text: '  Call the plumber about the boiler  ',
      source: 'tray',
    });
    expect(result.ok).toBe(true);
    const found = await core.archival.search(agent.id, { query: 'plumber boiler', tags: ['note'] });
    expect(found.items[0]).toMatchObject({
      text: 'Call the plumber about the boiler',
      tags: ['note'],
      source: { kind: 'capture' },
    });
    expect(Date.parse(found.items[0]!.createdAt)).toBeGreaterThan(before);
  });

  it('refuses empty and oversized notes with a message, storing nothing', async () => {
    const core = await testCore();
    const empty = await dispatch(core.handlers, 'captures.add', { text: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const huge = await dispatch(core.handlers, 'captures.add', { text: 'x'.repeat(100_001) });
    expect(huge).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(huge.ok === false && huge.error.message).toMatch(/at most 100,000 characters/);
    // Past the contract's own bound, the same words, not the validator's.
    const vast = await dispatch(core.handlers, 'captures.add', { text: 'x'.repeat(1_000_001) });
    expect(vast).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Locus has no way to add a text file, so the message must not send the user looking for one.
    for (const refused of [huge, vast]) {
      expect(refused.ok === false && refused.error.message).toMatch(
        /at most 100,000 characters\. Split it into parts of at most that and save each/,
      );
      expect(refused.ok === false && refused.error.message).not.toMatch(/file/);
    }
    expect(vast.ok === false && vast.error.message).not.toMatch(/Too big|expected string/);
    // Every other text's bound says the limit in words too.
    const agent = await core.agents.getOrCreateDefault();
    const query = await dispatch(core.handlers, 'archival.search', {
      agentId: agent.id,
      query: 'q'.repeat(2001),
    });
    expect(query.ok === false && query.error.message).toMatch(/at most 2,000 characters/);
    expect((await core.archival.count()).total).toBe(0);
  });

  it('replays journaled captures the database never got, once, ignoring a torn last line', async () => {
    const storage = await durableStorage();
    const { dataDir } = storage;
    const first = await createCore(storage);
    const agent = await first.agents.getOrCreateDefault();
    await first.dispose();

    const journal = new CaptureJournal(dataDirLayout(dataDir).captureJournal);
    journal.append({
      id: 'capture-lost',
      agentId: agent.id,
      text: 'Buy stamps',
      createdAt: '2026-11-20T10:00:00.000Z',
      source: 'tray',
    });
    fs.appendFileSync(
      dataDirLayout(dataDir).captureJournal,
      '{"type":"capture","entry":{"id":"capt',
    );

    const second = await createCore(storage);
    expect(second.replayedCaptures).toBe(1);
    const passages = await second.archival.search(agent.id, { query: '', tags: ['note'] });
    expect(passages.items.map((p) => [p.text, p.createdAt])).toEqual([
      ['Buy stamps', '2026-11-20T10:00:00.000Z'],
    ]);
    await second.dispose();

    const third = await createCore(storage);
    onCleanup(() => third.dispose());
    expect(third.replayedCaptures).toBe(0);
    expect((await third.archival.count(agent.id)).total).toBe(1);
  });

  it('keeps no copy of a stored note in the journal, so a forgotten note is gone from the folder too', async () => {
    const storage = await durableStorage();
    const core = await createCore(storage);
    onCleanup(() => core.dispose());
    const agent = await core.agents.getOrCreateDefault();
    const journalFile = dataDirLayout(storage.dataDir).captureJournal;
    const journalText = () =>
      fs.existsSync(journalFile) ? fs.readFileSync(journalFile, 'utf8') : '';

    const note = await core.handlers['captures.add']({
      text: 'My therapist is Dr. Moreau, sessions on Thursdays',
      source: 'tray',
    });
    await core.handlers['captures.add']({ text: 'Buy oat milk', source: 'tray' });
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'passage', id: note.id },
    });
    // The app runs for weeks between starts: the journal is not left to hold it until then.
    expect(journalText()).not.toContain('Moreau');
    expect(journalText()).not.toContain('oat milk');
  });

  // The journal's crash safety and the CLI are the same whatever the database: once, on PGlite.
  it.skipIf(onServer())(
    'keeps every acknowledged note when the process is killed right after saving',
    async () => {
      const dataDir = tempDir();
      const child = spawnTsx('test/helpers/capture-then-die.ts', [
        dataDir,
        'first note',
        'second note',
      ]);
      // It kills itself after the last acknowledgement: read all it said.
      const out = await outputUntilExit(child);
      const acked = [...out.matchAll(/ACK (\S+)\n/g)].map((m) => m[1]);
      expect(acked).toHaveLength(2);

      // The lock left by the killed process is reclaimed; the notes come back.
      const core = await createCore({ dataDir });
      onCleanup(() => core.dispose());
      for (const ref of acked) {
        expect(await core.archival.findBySource('capture', ref as string)).toBeDefined();
      }
    },
  );

  it.skipIf(onServer())('captures from the command line and from stdin', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const direct = await runCli(['capture', 'Passport expires in March', ...base]);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^Saved note \(passage-/);
    const piped = await runCli(['capture', ...base], { stdin: 'Library books due Friday\n' });
    expect(piped.code).toBe(0);
    const empty = await runCli(['capture', ...base], { stdin: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The note is empty');

    const found = await runCli(['memory', 'search', '', '--tags', 'note', '--json', ...base]);
    const texts = (JSON.parse(found.stdout) as { items: Array<{ text: string }> }).items.map(
      (p) => p.text,
    );
    expect(texts.sort()).toEqual(['Library books due Friday', 'Passport expires in March']);
  });

  it('refuses a note for an agent that does not exist before journaling it', async () => {
    const dataDir = tempDir();
    const core = await createCore({ dataDir, template: templateBlob() });
    const result = await dispatch(core.handlers, 'captures.add', {
      agentId: 'agent-missing',
      text: 'Lost in the void',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'AGENT_NOT_FOUND' } });
    await core.dispose();
    expect(new CaptureJournal(dataDirLayout(dataDir).captureJournal).pending()).toEqual([]);
  });

  it('files a journaled note whose agent is gone under the default agent, and starts', async () => {
    const dataDir = tempDir();
    const first = await createCore({ dataDir, template: templateBlob() });
    const agent = await first.agents.getOrCreateDefault();
    await first.dispose();
    new CaptureJournal(dataDirLayout(dataDir).captureJournal).append({
      id: 'capture-orphan',
      agentId: 'agent-deleted-since',
      text: 'Water the plants',
      createdAt: '2026-11-20T10:00:00.000Z',
      source: 'cli',
    });

    for (let start = 0; start < 2; start++) {
      const core = await createCore({ dataDir });
      expect(core.replayedCaptures).toBe(start === 0 ? 1 : 0);
      const notes = await core.archival.search(agent.id, { query: '', tags: ['note'] });
      expect(notes.items.map((p) => p.text)).toEqual(['Water the plants']);
      await core.dispose();
    }
  });

  it('stores piped text exactly, however the pipe splits multi-byte characters', async () => {
    const dataDir = tempDir();
    // 3-byte characters: 64 KiB pipe reads end inside one of them.
    const text = `Notes ${'€ü✓ '.repeat(12_000)}end`;
    const piped = await runCli(['capture', '--json', '--data-dir', dataDir, '--embedder', 'fake'], {
      stdin: text,
    });
    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as { text: string }).text).toBe(text);
    const invalid = await runCli(['capture', '--data-dir', dataDir, '--embedder', 'fake'], {
      stdin: Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x21]),
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/INVALID_INPUT.*UTF-8/);
  });
});
