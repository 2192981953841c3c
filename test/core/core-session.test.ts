import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { call } from '../../src/core/host/call';
import { openCoreSession } from '../../src/core/host/core-session';
import { startSessionLifetime } from '../../src/core/host/session-lifetime';
import { openAppCore } from '../../src/core/host/open-app-core';
import { autoBackup, checkBackup } from '../../src/core/backup/backups';
import { systemClock } from '../../src/core/clock';
import { onCleanup, tempDir } from '../helpers/test-core';

async function session(dataDir: string) {
  let opened = 0;
  const s = await openCoreSession({
    dataDir,
    open: async () => {
      opened++;
      return createCore({ dataDir });
    },
  });
  onCleanup(() => s.dispose());
  return { s, opens: () => opened };
}

describe('core session (the app holding its memory while it runs)', () => {
  it('restores a backup while running: closes, swaps, reopens, and calls go on', async () => {
    const dataDir = tempDir();
    const { s, opens } = await session(dataDir);
    const agent = await call(s.handlers, 'agents.getDefault', {});
    await call(s.handlers, 'archival.insert', { agentId: agent.id, text: 'Before the backup' });
    const backup = await call(s.handlers, 'backups.create', {});
    await call(s.handlers, 'archival.insert', { agentId: agent.id, text: 'After the backup' });
    const phases: string[] = [];
    // A call made once the core is closing waits for the reopened one.
    let during: Promise<{ items: Array<{ text: string }> }> | undefined;
    s.events.on('progress', (p) => {
      if (p.task !== 'restore') return;
      phases.push(p.phase);
      during ??= call(s.handlers, 'archival.search', { agentId: agent.id, query: '' });
    });

    const restored = await call(s.handlers, 'backups.restore', { file: backup.file });
    expect(restored.agents).toBe(1);
    expect(fs.existsSync(restored.previous ?? '')).toBe(true);
    expect(opens()).toBe(2);
    expect(phases).toEqual(['close', 'open', 'open']);
    expect((await during)?.items.map((p) => p.text)).toEqual(['Before the backup']);
    const after = await call(s.handlers, 'archival.search', { agentId: agent.id, query: '' });
    expect(after.items.map((p) => p.text)).toEqual(['Before the backup']);
    // The reopened core's events reach the session's listeners.
    const seen: string[] = [];
    s.events.on('progress', (p) => seen.push(p.task));
    s.core.events.emit('progress', { task: 'probe', phase: 'x', done: 0, total: 0 });
    expect(seen).toEqual(['probe']);
  });

  it("refuses a file that is not one of the folder's backups, and a damaged one, without closing", async () => {
    const dataDir = tempDir();
    const { s, opens } = await session(dataDir);
    const agent = await call(s.handlers, 'agents.getDefault', {});
    await call(s.handlers, 'archival.insert', { agentId: agent.id, text: 'Precious' });
    const good = await call(s.handlers, 'backups.create', {});
    await expect(
      call(s.handlers, 'backups.restore', { file: '/etc/passwd' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const bytes = fs.readFileSync(good.file);
    const damaged = path.join(path.dirname(good.file), 'locus-manual-20260101T000000000Z.tar.gz');
    fs.writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await expect(call(s.handlers, 'backups.restore', { file: damaged })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
    });
    expect(opens()).toBe(1);
    const still = await call(s.handlers, 'archival.search', { agentId: agent.id, query: '' });
    expect(still.items.map((p) => p.text)).toEqual(['Precious']);
  });
});

describe('core session closing while a turn runs (quitting the app mid-reply)', () => {
  it('stops the turn, waits for it to settle, then closes: the sent message survives and the folder reopens', async () => {
    const dataDir = tempDir();
    const model = createScriptedModel({
      // A long reply streamed slowly: the quit lands while it is being written.
      script: () => 'word '.repeat(4000),
      chunkDelayMs: 5,
    });
    let settled = false;
    let closedWhileRunning = false;
    const s = await openCoreSession({
      dataDir,
      open: async () => {
        const core = await createCore({ dataDir, chatModel: model });
        const send = core.handlers['chat.send'];
        core.handlers['chat.send'] = (input) => send(input).finally(() => (settled = true));
        const dispose = core.dispose.bind(core);
        core.dispose = async () => {
          if (!settled) closedWhileRunning = true;
          await dispose();
        };
        return core;
      },
    });
    const agent = await call(s.handlers, 'agents.getDefault', {});
    const turn = call(s.handlers, 'chat.send', {
      agentId: agent.id,
      text: 'Remember the quay',
    }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    while (model.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    await s.dispose();
    expect(closedWhileRunning).toBe(false);
    const outcome = await turn;
    expect(outcome).toHaveProperty('result.stopReason', 'cancelled');

    const reopened = await createCore({ dataDir });
    onCleanup(() => reopened.dispose());
    const history = await call(reopened.handlers, 'recall.search', {
      agentId: agent.id,
      query: 'quay',
    });
    expect(history.items.map((m) => m.content)).toContain('Remember the quay');
  });
  it('a quit while memory is still opening stops the open, waits for it, then closes the database', async () => {
    const dataDir = tempDir();
    let letOpen: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (letOpen = resolve));
    let openSignal: AbortSignal | undefined;
    let disposed = false;
    const life = startSessionLifetime({
      dataDir,
      open: async (_progress, signal) => {
        openSignal = signal;
        // The database opens while the quit arrives.
        const core = await createCore({ dataDir });
        await held;
        const dispose = core.dispose.bind(core);
        core.dispose = async () => {
          disposed = true;
          await dispose();
        };
        return core;
      },
    });
    while (!openSignal) await new Promise((resolve) => setTimeout(resolve, 5));
    let closed = false;
    const closing = life.close().then(() => (closed = true));
    expect(life.closing).toBe(true);
    // The open's long work (re-embedding at open) is told to stop...
    expect(openSignal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // ...and the quit waits for the open instead of ending under it.
    expect(closed).toBe(false);
    letOpen();
    await closing;
    expect(disposed).toBe(true);
    // Closed in order: the folder's lock is free and the database opens again.
    const again = await createCore({ dataDir });
    await again.dispose();
  });

  it('a quit during the daily backup waits for it: the backup is whole and the database closes after', async () => {
    const dataDir = tempDir();
    const order: string[] = [];
    const s = await openCoreSession({
      dataDir,
      open: async () => {
        const core = await createCore({ dataDir });
        const dispose = core.dispose.bind(core);
        core.dispose = async () => {
          order.push('close started');
          await dispose();
        };
        return core;
      },
    });
    const agent = await call(s.handlers, 'agents.getDefault', {});
    await call(s.handlers, 'archival.insert', { agentId: agent.id, text: 'Kept in the backup' });
    const backup = s.background('auto-backup', async (core) => {
      const made = await autoBackup(core.database, dataDir, systemClock);
      order.push('backup written');
      return made;
    });
    await s.dispose();
    // The host exits once dispose returns: the backup must be on disk by then.
    expect(order).toEqual(['backup written', 'close started']);
    const made = await backup;
    expect(await checkBackup(made?.file ?? '')).toMatchObject({ agents: 1 });
    // Nothing new starts once closing has begun.
    let ran = false;
    expect(await s.background('auto-backup', async () => (ran = true))).toBeNull();
    expect(ran).toBe(false);
  });
  it('a quit while memory is re-embedded at open stops it between batches; the rest waits for the next start', async () => {
    const dataDir = tempDir();
    const first = await createCore({ dataDir });
    const agent = await first.agents.getOrCreateDefault();
    await first.archival.insertMany(agent.id, [
      { text: 'The quay is by the old mill' },
      { text: 'Lena lives in Utrecht' },
      { text: 'The boat is called Petrel' },
    ]);
    // As after an import or writes made while no embedder could run.
    if (first.database.backend !== 'pglite') throw new Error('an embedded database is expected');
    await first.database.pg.query('UPDATE passages SET embedding = NULL');
    await first.dispose();

    const quit = new AbortController();
    quit.abort();
    const { core } = await openAppCore({ dataDir, embedder: 'fake', env: {}, signal: quit.signal });
    // Opened, and nothing embedded after the quit: the host closes it now.
    expect(await core.upkeep.countPending('passages')).toBe(3);
    await core.dispose();

    const { core: next } = await openAppCore({ dataDir, embedder: 'fake', env: {} });
    expect(await next.upkeep.countPending('passages')).toBe(0);
    await next.dispose();
  });
});
