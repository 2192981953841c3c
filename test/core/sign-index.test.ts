import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/core/models/embedder';
import { createSignIndex } from '../../src/core/memory/sign-index';
import { SignTable, packSigns } from '../../src/core/memory/sign-table';
import { toVectorLiteral } from '../../src/core/storage/repos/rows';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { onServer } from '../helpers/test-backend';
import { testCore } from '../helpers/test-core';

const DIMENSIONS = 64;

/** A deterministic generator, so every run stores the same vectors. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Dense vectors whose signs carry meaning (the word-hash test embedder's are
 * mostly zeros and never reach the signs): each text gets its own random
 * direction; "near <text>" points close to <text>'s, "far <text>" away from it.
 */
function denseEmbedder(): Embedder {
  const vectorOf = (text: string): Float32Array => {
    const near = /^(near|far) (.*)$/.exec(text);
    if (near) {
      const base = vectorOf(near[2] as string);
      const noise = seeded(hashText(text));
      const sign = near[1] === 'near' ? 1 : -1;
      return Float32Array.from(base, (x) => sign * x + (noise() - 0.5) * 0.2);
    }
    const random = seeded(hashText(text));
    return Float32Array.from({ length: DIMENSIONS }, () => random() - 0.5);
  };
  return {
    name: 'dense-test',
    dimensions: DIMENSIONS,
    lexical: false,
    basic: false,
    embed: async (texts) => texts.map(vectorOf),
    dispose: async () => undefined,
  };
}

function hamming(a: Uint32Array, b: Uint32Array): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = ((a[i] as number) ^ (b[i] as number)) >>> 0;
    while (x) {
      bits += x & 1;
      x >>>= 1;
    }
  }
  return bits;
}

describe('a table of signs held in the process', () => {
  it('finds the rows nearest by Hamming distance, as a full sort does, for one agent only', () => {
    const random = seeded(7);
    const table = new SignTable(8);
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: `row-${i}`,
      agent: i % 3 === 0 ? 'other' : 'mine',
      signs: Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)),
    }));
    for (const row of rows) table.set(row.id, row.agent, row.signs);
    const query = new Uint32Array(
      Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)).buffer,
    );
    const distance = (signs: Uint8Array) => hamming(new Uint32Array(signs.slice().buffer), query);
    const mine = rows.filter((r) => r.agent === 'mine');
    const expected = mine.map((r) => distance(r.signs)).sort((a, b) => a - b);
    const found = table.nearest('mine', query, 40);
    expect(found.exhaustive).toBe(false);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const got = found.ids.map((id) => byId.get(id)!);
    expect(got.every((r) => r.agent === 'mine')).toBe(true);
    expect(got.map((r) => distance(r.signs)).sort((a, b) => a - b)).toEqual(expected.slice(0, 40));
    expect(table.nearest('mine', query, 1000).ids).toHaveLength(mine.length);
    expect(table.nearest('mine', query, 1000).exhaustive).toBe(true);
    expect(table.nearest('nobody', query, 10)).toEqual({ ids: [], exhaustive: true });
  });

  it('replaces a row written again and drops one whose embedding was cleared', () => {
    const table = new SignTable(4);
    const zeros = new Uint8Array(4);
    const ones = new Uint8Array(4).fill(255);
    const query = new Uint32Array(1);
    // Enough rows to grow the arrays and the hash table a few times.
    for (let i = 0; i < 3000; i++) table.set(`r${i}`, 'a', ones);
    table.set('r5', 'a', zeros);
    expect(table.nearest('a', query, 1).ids).toEqual(['r5']);
    table.set('r5', 'a', ones);
    table.set('r6', 'a', null);
    expect(table.size).toBe(2999);
    expect(table.deadSlots).toBe(3);
    expect(table.nearest('a', query, 5000).ids).not.toContain('r6');
    expect(table.nearest('a', query, 5000).ids.filter((id) => id === 'r5')).toHaveLength(1);
  });

  it('gives back every id as it was stored, compact or not', () => {
    const table = new SignTable(4);
    const ids = [
      'passage-0f949cdc-b232-4dfd-95cd-5ad6da3601c5',
      'message-7d709662-21bb-431a-9d9a-4c26219d34dd',
      'passage-0F949CDC-B232-4DFD-95CD-5AD6DA3601C5',
      'imported id with spaces',
      'Zoë’s',
    ];
    ids.forEach((id, i) => table.set(id, 'a', Uint8Array.from([i, 0, 0, 0])));
    table.set(ids[1]!, 'a', Uint8Array.from([9, 0, 0, 0]));
    expect(table.nearest('a', new Uint32Array(1), 10).ids.sort()).toEqual([...ids].sort());
    expect(table.deadSlots).toBe(1);
  });

  it('packs a vector as pgvector packs its signs', async () => {
    const core = await testCore({ embedder: denseEmbedder() });
    const [vector] = await core.embedder.embed(['pack me']);
    const result = await core.database.pg.query<{ signs: Uint8Array }>(
      `SELECT substring(varbit_send(binary_quantize($1::vector)::varbit) FROM 5) AS signs`,
      [toVectorLiteral(vector!)],
    );
    const packed = packSigns(vector!, 2);
    expect(Array.from(new Uint8Array(packed.buffer))).toEqual(Array.from(result.rows[0]!.signs));
  });
});

describe.skipIf(onServer())('searching by signs held in the process (PGlite)', () => {
  async function setup() {
    const core = await testCore({ embedder: denseEmbedder(), indexAfterIdleMs: 0 });
    const agent = await core.agents.create({ name: 'Signs' });
    return { core, agentId: agent.id };
  }

  const top = async (
    core: Awaited<ReturnType<typeof setup>>['core'],
    agentId: string,
    query: string,
    opts: { tags?: string[]; limit?: number } = {},
  ) =>
    (
      await core.archival.search(agentId, {
        query,
        mode: 'vector',
        limit: opts.limit ?? 1,
        ...(opts.tags ? { tags: opts.tags } : {}),
      })
    ).items.map((p) => p.text);

  it('keeps no graph and picks the candidates an exact Hamming sort picks', async () => {
    const { core, agentId } = await setup();
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 1200 }, (_, i) => ({ text: `note ${i}` })),
    );
    await core.upkeep.flush();
    expect(await createVectorsRepo(core.database.pg, 'passages').hasVectorIndex()).toBe(false);
    const signs = createSignIndex(core.database.pg);
    for (const query of ['near note 5', 'near note 600', 'something else']) {
      const [vector] = await core.embedder.embed([query]);
      const found = await signs.nearest('passages', agentId, vector!, 300);
      const exact = await core.database.pg.query<{ d: number }>(
        `SELECT (binary_quantize(embedding)::bit(64) <~> binary_quantize($1::vector)::bit(64))::int AS d
         FROM passages WHERE agent_id = $2 ORDER BY 1 LIMIT 300`,
        [toVectorLiteral(vector!), agentId],
      );
      const picked = await core.database.pg.query<{ d: number }>(
        `SELECT (binary_quantize(embedding)::bit(64) <~> binary_quantize($1::vector)::bit(64))::int AS d
         FROM passages WHERE id = ANY($2::text[]) ORDER BY 1`,
        [toVectorLiteral(vector!), found!.ids],
      );
      expect(picked.rows.map((r) => r.d)).toEqual(exact.rows.map((r) => r.d));
    }
    expect(await top(core, agentId, 'near note 600')).toEqual(['note 600']);
    signs.dispose();
  });

  it('sees every kind of write at the next search', async () => {
    const { core, agentId } = await setup();
    const pg = core.database.pg;
    // The core's own copy answers its searches; this one is asked directly,
    // so the test sees the candidates and not only what the database made of them.
    const signs = createSignIndex(pg);
    const idOf = async (text: string) =>
      (await pg.query<{ id: string }>('SELECT id FROM passages WHERE text = $1', [text])).rows[0]
        ?.id;
    const picks = async (text: string, agent = agentId) => {
      const [vector] = await core.embedder.embed([`near ${text}`]);
      return (await signs.nearest('passages', agent, vector!, 5))!.ids;
    };
    const seen = async (text: string, agent = agentId) => {
      expect(await picks(text, agent)).toContain(await idOf(text));
      expect(await top(core, agent, `near ${text}`)).toEqual([text]);
    };
    // Read whole at the first search, then kept in step.
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 1000 }, (_, i) => ({ text: `note ${i}` })),
    );
    await seen('note 3');

    // One row, then a bulk load (binary COPY).
    await core.archival.insert(agentId, { text: 'single' });
    await seen('single');
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 1000 }, (_, i) => ({ text: `bulk ${i}` })),
    );
    await seen('bulk 999');

    // A new text is a new vector: the old one no longer finds it.
    const single = (await idOf('single'))!;
    await core.archival.update(single, { text: 'rewritten' });
    await seen('rewritten');
    expect(await picks('single')).not.toContain(single);

    // Deleted: never a candidate again, and the rest are still found.
    const gone = (await idOf('note 4'))!;
    await core.archival.remove(gone);
    expect(await top(core, agentId, 'near note 4', { limit: 3 })).not.toContain('note 4');
    await seen('note 5');

    // Cleared (as an embedder switch clears them), then embedded again.
    await createVectorsRepo(pg, 'passages').resetEmbeddings(DIMENSIONS);
    // (Only the deleted row is left: held until enough deletes reload the copy.)
    expect(await picks('note 7')).toEqual([gone]);
    expect(
      (await core.archival.search(agentId, { query: 'near note 7', mode: 'vector' })).items,
    ).toEqual([]);
    await core.archival.reembed();
    await seen('note 7');

    // A second agent's rows are its own; deleting it (a cascade) takes them away.
    const other = await core.agents.create({ name: 'Other' });
    await core.archival.insertMany(
      other.id,
      Array.from({ length: 300 }, (_, i) => ({ text: `theirs ${i}` })),
    );
    await seen('theirs 9', other.id);
    expect(await picks('theirs 9')).not.toContain(await idOf('theirs 9'));
    const theirs = (await idOf('theirs 9'))!;
    await core.agents.remove(other.id);
    expect(await picks('theirs 9', other.id)).not.toContain(theirs);
    await seen('note 8');
    signs.dispose();
  });

  it('finds the few rows a narrow filter keeps, however far from the query', async () => {
    const { core, agentId } = await setup();
    await core.archival.insertMany(agentId, [
      ...Array.from({ length: 1000 }, (_, i) => ({ text: `near anchor ${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ text: `far anchor ${i}`, tags: ['rare'] })),
    ]);
    expect(await top(core, agentId, 'anchor', { limit: 10 })).toHaveLength(10);
    const rare = await top(core, agentId, 'anchor', { tags: ['rare'], limit: 10 });
    expect(rare.sort()).toEqual(['far anchor 0', 'far anchor 1', 'far anchor 2']);
  });

  it('finds messages by their signs, kept in step as they are embedded', async () => {
    const { core, agentId } = await setup();
    await core.recall.append(agentId, { role: 'user', content: 'the first thing I said' });
    await core.upkeep.embedPending('messages');
    const search = async (query: string) =>
      (await core.recall.search(agentId, { query, mode: 'vector', limit: 1 })).items.map(
        (m) => m.content,
      );
    expect(await search('near the first thing I said')).toEqual(['the first thing I said']);
    // Stored without a vector, then embedded: an update the next search sees.
    await core.recall.append(agentId, { role: 'user', content: 'a later remark' });
    await core.upkeep.embedPending('messages');
    expect(await search('near a later remark')).toEqual(['a later remark']);
  });
});
