import { describe, expect, it } from 'vitest';
import { claimBackgroundJob, runClaimed } from '../../src/core/storage/background-jobs';
import type { DatabaseChange } from '../../src/core/storage/coordination';
import { openDatabase, type Database } from '../../src/core/storage/open-database';
import { spawnTsx, waitForExit, waitForOutput } from '../helpers/spawn-tsx';
import { adminQuery, createServerDatabase } from '../helpers/test-backend';
import { onCleanup, testCore } from '../helpers/test-core';

/** Two processes' worth of connections to one database (each open is its own instance). */
async function twoOpeners(): Promise<{ a: Database; b: Database; name: string; url: string }> {
  const { name, url, drop } = await createServerDatabase();
  onCleanup(drop);
  const a = await openDatabase({ url });
  onCleanup(() => a.close());
  const b = await openDatabase({ url });
  onCleanup(() => b.close());
  return { a, b, name, url };
}

/** Resolves once the server shows someone waiting for an advisory lock in `database`. */
async function someoneWaits(database: string): Promise<void> {
  for (;;) {
    const waiting = await adminQuery(
      'postgres',
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`,
      [database],
    );
    if ((waiting.rows[0]?.n as number) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('processes sharing a server', () => {
  it('wait for each other on a lock, and try-locks give up at once', async () => {
    const { a, b, name } = await twoOpeners();
    const release = await a.coordination.lock('turn:agent-1');
    expect(await b.coordination.tryLock('turn:agent-1')).toBeNull();
    // Other keys are free.
    const other = await b.coordination.tryLock('turn:agent-2');
    expect(other).not.toBeNull();
    await other?.();

    let got = false;
    const waiting = b.coordination.lock('turn:agent-1').then((r) => ((got = true), r));
    await someoneWaits(name);
    expect(got).toBe(false);
    await release();
    const releaseB = await waiting;
    expect(got).toBe(true);
    await releaseB();
  });

  it('claim background work one at a time', async () => {
    const { a, b } = await twoOpeners();
    const claim = await claimBackgroundJob(a.coordination, 'consolidate');
    expect(claim).not.toBeNull();
    expect(await claimBackgroundJob(b.coordination, 'consolidate')).toBeNull();
    expect(await runClaimed(b.coordination, 'consolidate', async () => 'ran')).toEqual({
      ran: false,
    });
    await claim?.();
    expect(await runClaimed(b.coordination, 'consolidate', async () => 'ran')).toEqual({
      ran: true,
      value: 'ran',
    });
  });

  it('free a lock when the process holding it dies', async () => {
    const { b, url } = await twoOpeners();
    const holder = spawnTsx('test/helpers/hold-server-lock.ts', [url, 'turn:agent-9']);
    onCleanup(() => void holder.kill('SIGKILL'));
    await waitForOutput(holder, 'held');
    expect(await b.coordination.tryLock('turn:agent-9')).toBeNull();
    holder.kill('SIGKILL');
    await waitForExit(holder);
    const release = await b.coordination.lock('turn:agent-9');
    await release();
  });

  it("hear each other's changes, never their own", async () => {
    const core = await testCore();
    const url = core.database.backend === 'postgres' ? core.database.server.target.url : '';
    const other = await testCore({ databaseUrl: url });
    const agent = await core.agents.create({ name: 'Listener' });
    const heard: DatabaseChange[][] = [];
    const own: DatabaseChange[][] = [];
    other.events.on('memory.changed', ({ changes }) => heard.push(changes));
    core.events.on('memory.changed', ({ changes }) => own.push(changes));

    const told = new Promise<DatabaseChange[]>((resolve) =>
      other.events.on('memory.changed', ({ changes }) => {
        if (changes.some((c) => c.table === 'passages')) resolve(changes);
      }),
    );
    await core.coreMemory.append(agent.id, 'human', 'Likes sailing', 'user');
    await core.archival.insert(agent.id, { text: 'The boat is blue' });
    expect(await told).toContainEqual({ table: 'passages', agentId: agent.id });
    expect(heard.flat()).toContainEqual({ table: 'blocks', agentId: agent.id });
    expect(heard.flat()).toContainEqual({ table: 'agents', agentId: agent.id });
    // The activity feed too (its view reloads).
    expect(heard.flat()).toContainEqual({ table: 'memory_activity', agentId: agent.id });
    // And what it heard is there to read.
    expect((await other.coreMemory.get(agent.id, 'human')).value).toContain('Likes sailing');
    // The writer was not told about itself, even after the other's notices arrived.
    await other.archival.insert(agent.id, { text: 'A reply from the other side' });
    await new Promise<void>((resolve) =>
      core.events.on('memory.changed', ({ changes }) => {
        if (changes.some((c) => c.table === 'passages')) resolve();
      }),
    );
    expect(own.flat().filter((c) => c.table === 'blocks')).toEqual([]);
  });

  it('consolidate an agent in one process at a time', async () => {
    const core = await testCore();
    const url = core.database.backend === 'postgres' ? core.database.server.target.url : '';
    const other = await testCore({ databaseUrl: url });
    const agent = await core.agents.create({ name: 'Sleeper' });
    const claim = await claimBackgroundJob(core.database.coordination, `consolidate:${agent.id}`);
    expect(claim).not.toBeNull();
    expect(await other.handlers['consolidation.run']({ agentId: agent.id })).toMatchObject({
      stopped: 'busy',
    });
    await claim?.();
    expect(await other.handlers['consolidation.run']({ agentId: agent.id })).toMatchObject({
      stopped: 'done',
    });
  });
});
