import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type PostgresCluster } from '../../scripts/postgres/cluster';
import { createCore } from '../../src/core/create-core';
import { dispatch } from '../../src/core/host/dispatch';
import type { ChatModel } from '../../src/core/models/chat-model';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import type { AgentEvent } from '../../src/shared/contract';
import type { Message } from '../../src/shared/entities';
import { onCleanup } from '../helpers/test-core';
import { testServer } from '../helpers/test-backend';

// A cluster of its own: this test stops its server, which would break every
// other test sharing the suite's cluster. With fsync on, as a real server runs.
let cluster: PostgresCluster;
beforeAll(async () => {
  const { bin, major } = testServer();
  cluster = await startCluster({
    install: { bin, major },
    settings: { fsync: 'on', full_page_writes: 'on' },
  });
  cluster.psql('postgres', 'CREATE DATABASE locus');
});
afterAll(() => cluster?.destroy());

/**
 * Step 1 saves a note (asking for another step); step 2 waits at `gate`
 * until the test has stopped the server, then answers.
 */
function gatedModel(gate: { reached: () => void; open: Promise<void> }): ChatModel {
  const scripted = createScriptedModel({
    script: (_request, call) =>
      call === 0
        ? {
            thinking: 'save it',
            tool: 'archival_memory_insert',
            arguments: { content: 'The boat is moored at pier 4', request_heartbeat: true },
          }
        : { thinking: 'answer', tool: 'send_message', arguments: { message: 'Saved.' } },
  });
  let calls = 0;
  return {
    ...scripted,
    async generate(request, options) {
      if (calls++ === 1) {
        gate.reached();
        await gate.open;
      }
      return scripted.generate(request, options);
    },
  };
}

describe('a server that goes away mid-turn', () => {
  it('loses no acknowledged write, fails the turn with a stable code, and works again when back', async () => {
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    let open!: () => void;
    const gate = { reached, open: new Promise<void>((resolve) => (open = resolve)) };
    const url = cluster.url('locus');
    const core = await createCore({ databaseUrl: url, chatModel: gatedModel(gate) });
    onCleanup(() => core.dispose());
    const agent = await core.agents.create({ name: 'Sailor' });
    const acknowledged: Message[] = [];
    core.events.on('agent', ({ event }: { event: AgentEvent }) => {
      if (event.type === 'message') acknowledged.push(event.message);
    });

    const turn = dispatch(core.handlers, 'chat.send', {
      agentId: agent.id,
      text: 'Remember where the boat is',
    });
    await atGate;
    // The user's message and the whole first step were confirmed; then the
    // server crashes (no clean shutdown) while the model thinks.
    expect(acknowledged.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    // Changes heard from here on: after the restart it must listen again.
    const heard: string[] = [];
    const told = new Promise<void>((resolve) =>
      core.events.on('memory.changed', ({ changes }) => {
        heard.push(...changes.map((c) => c.table));
        if (heard.includes('*') && heard.includes('blocks')) resolve();
      }),
    );
    cluster.stop('immediate');
    open();
    const failed = await turn;
    expect(failed).toMatchObject({ ok: false, error: { code: 'DATABASE_CONNECTION_LOST' } });
    expect(failed.ok === false && failed.error.message).toMatch(
      /check that the server is running/i,
    );

    // The server comes back (replaying its log): what was confirmed is there,
    // the unconfirmed step is not, and the same core carries on.
    cluster.start();
    const fresh = await createCore({ databaseUrl: url, chatModel: createScriptedModel() });
    onCleanup(() => fresh.dispose());
    const stored = await fresh.runtime.contextMessages(agent.id);
    expect(stored.map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
    expect((await fresh.archival.search(agent.id, { query: 'boat pier' })).items[0]?.text).toBe(
      'The boat is moored at pier 4',
    );
    // It listens again too: another device's writes reach it (after a `*`
    // change, since it may have missed some while the server was down).
    for (let i = 0; !heard.includes('blocks'); i++) {
      await fresh.coreMemory.append(agent.id, 'human', `Sails on Sundays ${i}`, 'user');
      await Promise.race([told, new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
    await told;
    const again = await dispatch(core.handlers, 'archival.insert', {
      agentId: agent.id,
      text: 'The oars are in the shed',
    });
    expect(again.ok).toBe(true);
    expect((await fresh.archival.count(agent.id)).total).toBe(2);
  });

  it('names an unreachable server at start with a stable code and what to check', async () => {
    const url = cluster.url('locus');
    cluster.stop('fast');
    try {
      await expect(createCore({ databaseUrl: url })).rejects.toMatchObject({
        code: 'DATABASE_UNREACHABLE',
        message: expect.stringContaining(`127.0.0.1:${cluster.port}`),
      });
    } finally {
      cluster.start();
    }
  });
});
