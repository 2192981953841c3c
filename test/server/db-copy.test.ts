import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/core/create-core';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { copyDatabase } from '../../src/core/storage/copy-database';
import { openDatabase } from '../../src/core/storage/open-database';
import { runCli } from '../helpers/run-cli';
import { adminQuery, createServerDatabase } from '../helpers/test-backend';
import { onCleanup, tempDir } from '../helpers/test-core';

/** Everything a person could tell apart, per agent: the agent file is Locus's full export. */
async function exported(core: Core): Promise<unknown[]> {
  const files = [];
  for (const agent of await core.agents.list()) {
    const file = JSON.parse(
      (await call(core.handlers, 'agentfile.export', { agentId: agent.id })).text,
    ) as Record<string, unknown>;
    delete file.created_at;
    files.push(file);
  }
  return files;
}

/** 200,000 CJK characters (seeded, from 3,072 of them), then 熊猫, which is not among them. */
const LONG_TEXT = (() => {
  let state = 5;
  const chars: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    chars.push(String.fromCharCode(0x4e00 + ((state >>> 0) % 3072)));
  }
  return `${chars.join('')}，熊猫`;
})();

/** Memory with every kind of row: blocks and their history, passages with vectors, a summary, settings. */
async function fillFolder(dataDir: string): Promise<{ files: unknown[] }> {
  const core = await createCore({
    dataDir,
    chatModel: createScriptedModel({ contextSize: 3000 }),
  });
  try {
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'Hi! My name is Ada.');
    await core.runtime.send(agent.id, 'Remember that the spare key is under the blue pot');
    for (let i = 0; i < 12; i++) await core.runtime.send(agent.id, `Filler ${i} `.repeat(8));
    await core.archival.insert(agent.id, { text: 'Bees on the roof', tags: ['hobby', 'bees'] });
    const second = await core.agents.create({ name: 'Second' });
    await core.coreMemory.rewrite(second.id, 'persona', 'A quiet helper', 'user');
    // Past the search column's 1 MB of words: its last word is in an overflow row.
    await core.archival.insert(second.id, { text: LONG_TEXT });
    await core.indexer.idle();
    return { files: await exported(core) };
  } finally {
    await core.dispose();
  }
}

describe('locus db copy', () => {
  it('moves all memory to a server and back, checked by counts, and it works there', async () => {
    const folder = tempDir();
    const before = await fillFolder(folder);
    const server = await createServerDatabase({ migrated: false });
    onCleanup(server.drop);

    const to = await runCli(['db', 'copy', '--to', server.url, '--data-dir', folder, '--json']);
    expect(to.stderr).not.toMatch(/Error/);
    expect(to.code).toBe(0);
    const report = JSON.parse(to.stdout) as { tables: Record<string, number> };
    expect(report.tables).toMatchObject({ agents: 2, passages: 3 });
    expect(report.tables.passage_search_overflow).toBeGreaterThan(0);
    expect(report.tables.messages).toBeGreaterThan(40);
    expect(report.tables.block_history).toBeGreaterThan(0);
    // The server's own count agrees with the report, table by table.
    for (const [table, n] of Object.entries(report.tables)) {
      const counted = await adminQuery(server.name, `SELECT count(*)::int AS n FROM ${table}`);
      expect([table, counted.rows[0]?.n]).toEqual([table, n]);
    }

    // On the server it is the same memory: same export, searchable by meaning, and alive.
    const onServer = await createCore({
      databaseUrl: server.url,
      chatModel: createScriptedModel({ contextSize: 3000 }),
    });
    onCleanup(() => onServer.dispose());
    expect(onServer.embedderSync).toEqual({ switched: false, pending: 0, pendingMessages: 0 });
    expect(await exported(onServer)).toEqual(before.files);
    const agent = await onServer.agents.getOrCreateDefault();
    const found = await onServer.archival.search(agent.id, { query: 'spare key', mode: 'vector' });
    expect(found.items[0]?.text).toContain('spare key');
    const second = (await onServer.agents.list()).find((a) => a.name === 'Second')!;
    const tail = await onServer.archival.search(second.id, { query: '熊猫', mode: 'text' });
    expect(tail.items.map((p) => p.text)).toEqual([LONG_TEXT]);
    expect((await onServer.runtime.send(agent.id, 'What is my name?')).reply).toBe(
      'Your name is Ada.',
    );
    await onServer.dispose();

    // And back into a new folder: identical to the server's memory now.
    const back = tempDir();
    const from = await runCli(['db', 'copy', '--from', server.url, '--data-dir', back]);
    expect(from.code).toBe(0);
    expect(from.stdout).toMatch(/rows per table match/);
    const serverAgain = await createCore({ databaseUrl: server.url });
    const serverFiles = await exported(serverAgain);
    await serverAgain.dispose();
    const local = await createCore({ dataDir: back });
    onCleanup(() => local.dispose());
    expect(await exported(local)).toEqual(serverFiles);
    // A new message after the copy continues the sequence instead of colliding with it.
    await local.recall.append(agent.id, { role: 'user', content: 'after the copy' });
    expect((await local.recall.recent(agent.id, 1))[0]?.content).toBe('after the copy');
  });

  it('refuses a destination that already holds memory, changing nothing', async () => {
    const folder = tempDir();
    await fillFolder(folder);
    const server = await createServerDatabase();
    onCleanup(server.drop);
    const other = await createCore({ databaseUrl: server.url });
    await other.agents.create({ name: 'Already here' });
    await other.dispose();

    const result = await runCli(['db', 'copy', '--to', server.url, '--data-dir', folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_NOT_EMPTY/);
    // What is there, in the user's words (not table names), and how to get an empty one.
    expect(result.stderr).toContain('1 agent');
    expect(result.stderr).not.toMatch(/block_history|context_entries|memory_counts/);
    expect(result.stderr).toContain('CREATE DATABASE');
    const agents = await adminQuery(server.name, 'SELECT name FROM agents');
    expect(agents.rows).toEqual([{ name: 'Already here' }]);

    // Back into a folder that already has memory: how to copy anyway.
    const back = await runCli(['db', 'copy', '--from', server.url, '--data-dir', folder]);
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/DATABASE_NOT_EMPTY/);
    expect(back.stderr).toContain('--data-dir');
    expect(back.stderr).toContain(path.join(folder, 'pgdata'));
  });

  it('leaves the destination as it was when the copy fails part-way', async () => {
    const folder = tempDir();
    await fillFolder(folder);
    const server = await createServerDatabase();
    onCleanup(server.drop);
    const source = await openDatabase({ dataDir: folder });
    onCleanup(() => source.close());
    const destination = await openDatabase({ url: server.url });
    onCleanup(() => destination.close());
    // A check the copied rows cannot pass, on a table copied late.
    await adminQuery(
      server.name,
      "ALTER TABLE passages ADD CONSTRAINT no_bees CHECK (text NOT LIKE '%Bees%')",
    );
    await expect(copyDatabase(source, destination)).rejects.toThrow(/no_bees/);
    for (const table of ['agents', 'blocks', 'messages', 'passages']) {
      const n = await adminQuery(server.name, `SELECT count(*)::int AS n FROM ${table}`);
      expect([table, n.rows[0]?.n]).toEqual([table, 0]);
    }
  });
});
