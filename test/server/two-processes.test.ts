import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/shared/entities';
import { spawnTsx, waitForExit, waitForOutput } from '../helpers/spawn-tsx';
import { onCleanup, testCore } from '../helpers/test-core';

const TURNS = 4;

interface ChildResult {
  replies: Array<string | null>;
  human: string;
  changes: Array<{ table: string; agentId: string | null }>;
}

function resultOf(out: string): ChildResult {
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result in: ${out}`);
  return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
}

/** The tag ("A 2") a message of the scripted turns is about. */
function tagOf(message: Message): string | null {
  const text = message.role === 'user' ? message.content : JSON.stringify(message.toolCalls ?? '');
  const match = /(?:from|note|done) (\w+) #?(\d+)/.exec(text);
  return match ? `${match[1]} ${match[2]}` : null;
}

describe('two Locus processes on one server', () => {
  it("run turns on one agent at the same time without mixing them, and see each other's edits", async () => {
    const core = await testCore();
    const url = core.database.backend === 'postgres' ? core.database.server.target.url : '';
    const agent = await core.agents.create({ name: 'Shared' });

    const spawn = (label: string, other: string) =>
      spawnTsx('test/helpers/server-turns-child.ts', [url, label, agent.id, String(TURNS), other]);
    const a = spawn('A', 'B');
    const b = spawn('B', 'A');
    onCleanup(() => {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    });
    await Promise.all([waitForOutput(a, 'READY'), waitForOutput(b, 'READY')]);
    const outputs = Promise.all([waitForOutput(a, 'RESULT'), waitForOutput(b, 'RESULT')]);
    a.stdin.end('go\n');
    b.stdin.end('go\n');
    const [outA, outB] = await outputs;
    await Promise.all([waitForExit(a), waitForExit(b)]);
    const results = { A: resultOf(outA), B: resultOf(outB) };

    // Every turn was answered, in each process.
    for (const label of ['A', 'B'] as const) {
      expect(results[label].replies).toEqual(
        Array.from({ length: TURNS }, (_, i) => `done ${label} ${i}`),
      );
    }
    // Each saw the other's block edit, told by a notification, not by reloading.
    expect(results.A.human).toContain('B was here');
    expect(results.B.human).toContain('A was here');
    for (const [label, other] of [
      ['A', 'B'],
      ['B', 'A'],
    ] as const) {
      expect(results[label].changes).toContainEqual({ table: 'blocks', agentId: agent.id });
      // And the other's turns' messages too (never its own).
      expect(results[label].changes).toContainEqual({ table: 'messages', agentId: agent.id });
      void other;
    }
    const human = (await core.coreMemory.get(agent.id, 'human')).value;
    expect(human).toContain('A was here');
    expect(human).toContain('B was here');

    // The context is whole turns one after another: each user message is
    // followed by its own four messages (call, result, reply, result).
    const context = await core.runtime.contextMessages(agent.id);
    const chat = context.filter((m) => m.kind === 'chat');
    expect(chat).toHaveLength(2 * TURNS * 5);
    for (let i = 0; i < chat.length; i += 5) {
      const turn = chat.slice(i, i + 5);
      expect(turn.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
      const tag = tagOf(turn[0] as Message);
      expect(tagOf(turn[1] as Message)).toBe(tag);
      expect(tagOf(turn[3] as Message)).toBe(tag);
    }
    // Positions in the context are unique and follow the order messages were written.
    const seqs = context.map((m) => m.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect((await core.archival.count(agent.id)).total).toBe(2 * TURNS);
  });
});
