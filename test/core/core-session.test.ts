import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { call } from '../../src/core/host/call';
import { openCoreSession } from '../../src/core/host/core-session';
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
});
