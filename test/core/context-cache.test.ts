import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/shared/entities';
import { createContextCache } from '../../src/core/agent/context-cache';

function message(id: string): Message {
  return {
    id,
    agentId: 'a',
    conversationId: 'a',
    seq: Number(id.slice(1)),
    role: 'user',
    kind: 'chat',
    content: `text of ${id}`,
    toolCalls: null,
    toolCallId: null,
    name: null,
    createdAt: '2026-11-28T00:00:00.000Z',
  };
}

/** A store that records which ids each fetch asked for. */
function store(ids: string[]) {
  const rows = new Map(ids.map((id) => [id, message(id)]));
  const asked: string[][] = [];
  return {
    asked,
    fetch: async (wanted: string[]) => {
      asked.push(wanted);
      return wanted.flatMap((id) => (rows.has(id) ? [rows.get(id) as Message] : []));
    },
  };
}

describe('context cache', () => {
  it('fetches only the messages it has not seen, in the order asked', async () => {
    const cache = createContextCache();
    const db = store(['m1', 'm2', 'm3', 'm4']);
    expect((await cache.resolve('a', ['m2', 'm1'], 0, db.fetch)).map((m) => m.id)).toEqual([
      'm2',
      'm1',
    ]);
    const next = await cache.resolve('a', ['m4', 'm1', 'm2', 'm3'], 0, db.fetch);
    expect(next.map((m) => m.id)).toEqual(['m4', 'm1', 'm2', 'm3']);
    expect(db.asked).toEqual([
      ['m2', 'm1'],
      ['m4', 'm3'],
    ]);
  });

  it('skips ids no message has, and asks for them again next time', async () => {
    const cache = createContextCache();
    const db = store(['m1']);
    expect((await cache.resolve('a', ['m1', 'gone'], 0, db.fetch)).map((m) => m.id)).toEqual([
      'm1',
    ]);
    await cache.resolve('a', ['m1', 'gone'], 0, db.fetch);
    expect(db.asked).toEqual([['m1', 'gone'], ['gone']]);
  });

  it('keeps only what is in context, per agent', async () => {
    const cache = createContextCache();
    const db = store(['m1', 'm2', 'm3']);
    await cache.resolve('a', ['m1', 'm2'], 0, db.fetch);
    await cache.resolve('a', ['m2'], 0, db.fetch); // m1 was evicted
    await cache.resolve('a', ['m1', 'm2'], 0, db.fetch);
    await cache.resolve('b', ['m2'], 0, db.fetch);
    expect(db.asked).toEqual([['m1', 'm2'], ['m1'], ['m2']]);
  });

  it('reads everything again once the rewrite count it was read under moved', async () => {
    const cache = createContextCache();
    const db = store(['m1', 'm2']);
    await cache.resolve('a', ['m1', 'm2'], 0, db.fetch);
    await cache.resolve('a', ['m1', 'm2'], 0, db.fetch);
    await cache.resolve('a', ['m1', 'm2'], 1, db.fetch);
    expect(db.asked).toEqual([
      ['m1', 'm2'],
      ['m1', 'm2'],
    ]);
  });

  it('remembers a message just written, so the next step does not read it', async () => {
    const cache = createContextCache();
    const db = store(['m1', 'm2']);
    await cache.resolve('a', ['m1'], 0, db.fetch);
    cache.remember('a', message('m2'));
    expect((await cache.resolve('a', ['m1', 'm2'], 0, db.fetch)).map((m) => m.id)).toEqual([
      'm1',
      'm2',
    ]);
    expect(db.asked).toEqual([['m1']]);
  });
});
