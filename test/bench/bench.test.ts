import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cachingEmbedder } from '../../bench/embedding-cache';
import {
  DEFAULT_LOCOMO_PATH,
  normalizeEvidence,
  parseConversation,
  parseSessionTime,
} from '../../bench/locomo/locomo-data';
import { LOCOMO_KS, runLocomoBench } from '../../bench/locomo/retrieval-bench';
import { runLongMemEvalBench } from '../../bench/longmemeval/longmemeval-bench';
import { DEFAULT_LONGMEMEVAL_PATH } from '../../bench/longmemeval/longmemeval-data';
import { createTextbookBm25 } from '../../bench/retrieval/baselines';
import { evidenceRecall, scoreMethod } from '../../bench/retrieval/recall-at-k';
import { percentile } from '../../bench/stats';
import { runSurfacingBench, SURFACING_BUDGETS } from '../../bench/surfacing/surfacing-bench';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDir } from '../helpers/test-core';

const run = promisify(execFile);

describe('benchmark scoring', () => {
  it('reads LoCoMo session times and repairs evidence typos', () => {
    expect(parseSessionTime('1:56 pm on 8 May, 2023')).toBe('2023-05-08T13:56:00.000Z');
    expect(parseSessionTime('12:04 am on 1 January, 2024')).toBe('2024-01-01T00:04:00.000Z');
    expect(() => parseSessionTime('yesterday')).toThrow(/Unrecognised/);
    const known = new Set(['D8:6', 'D9:17', 'D11:26', 'D30:5']);
    expect(normalizeEvidence(['D8:6; D9:17', 'D:11:26', 'D30:05', 'D', 'D8:6'], known)).toEqual({
      kept: ['D8:6', 'D9:17', 'D11:26', 'D30:5'],
      dropped: 1,
    });
  });

  it('scores evidence recall@k per question and per kind', () => {
    expect(evidenceRecall(['a', 'b'], ['x', 'a', 'y', 'b'], 2)).toBe(0.5);
    expect(evidenceRecall(['a', 'b'], ['x', 'a', 'y', 'b'], 4)).toBe(1);
    const q = (kind: string, evidence: string[]) => ({ text: '?', kind, evidence });
    const score = scoreMethod(
      'm',
      [
        { haystack: 0, query: q('multi-hop', ['a']), retrieved: ['a'] },
        { haystack: 1, query: q('single-hop', ['b', 'c']), retrieved: ['b'] },
      ],
      { ks: [5, 50], kinds: ['multi-hop', 'single-hop'], haystacks: 2 },
    );
    expect(score.overall['r@5']).toBe(75);
    expect(score.halves?.[0]['r@5']).toBe(100);
    expect(score.halves?.[1]['r@5']).toBe(50);
    expect(score.byKind['multi-hop']).toMatchObject({ 'r@5': 100, questions: 1 });
    expect(score.byKind['single-hop']).toMatchObject({ 'r@50': 50, questions: 1 });
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
  });

  it('ranks turns with textbook BM25 (rare words weigh more, unmatched turns are left out)', () => {
    const rank = createTextbookBm25([
      { id: 'a', role: 'user', text: 'the cat sat on the mat', at: '2024-01-01T00:00:00Z' },
      { id: 'b', role: 'user', text: 'the dog sat', at: '2024-01-01T00:01:00Z' },
      { id: 'c', role: 'user', text: 'the the the', at: '2024-01-01T00:02:00Z' },
    ]);
    expect(rank('Where did the cat sit?')[0]).toBe('a');
    expect(rank('dog')).toEqual(['b']);
    expect(rank('xyzzy')).toEqual([]);
  });

  it('ingests a conversation and finds each turn by its own words', async () => {
    // A LoCoMo-shaped conversation built here, so this runs without the dataset.
    const turns = [
      'adopted a beagle puppy',
      'started pottery classes',
      'flew to Lisbon for work',
      // Filler sharing only the speakers' names with the questions.
      ...Array.from({ length: 12 }, (_, i) => `had an ordinary time, number ${i}`),
    ];
    const conversation = parseConversation({
      sample_id: 'synthetic',
      conversation: {
        speaker_a: 'Ann',
        speaker_b: 'Bo',
        session_1_date_time: '9:00 am on 2 March, 2024',
        session_1: turns.map((text, i) => ({
          speaker: i % 2 ? 'Bo' : 'Ann',
          dia_id: `D1:${i + 1}`,
          text: `I ${text} last week`,
        })),
      },
      qa: [
        { question: 'Who adopted a puppy?', category: 4, evidence: ['D1:1'] },
        { question: 'When did Bo start pottery?', category: 2, evidence: ['D1:2'] },
        { question: 'Who flew to Lisbon?', category: 1, evidence: ['D1:3'] },
        { question: 'Adversarial, not scored', category: 5, evidence: ['D1:1'] },
      ],
    });
    expect(conversation.questions).toHaveLength(3);
    // A second conversation whose only question shares no word with anything
    // said: words find nothing there, which the halves must show.
    const unanswerable = {
      ...conversation,
      id: 'synthetic-2',
      questions: [{ question: 'Whereabouts nowadays?', category: 4, evidence: ['D1:1'] }],
    };
    const result = await runLocomoBench({
      conversations: [conversation, unanswerable],
      embedders: [
        {
          label: 'fake',
          embedder: cachingEmbedder({
            name: 'fake',
            dimensions: 64,
            lexical: true,
            create: async () => createFakeEmbedder({ dimensions: 64 }),
          }),
        },
      ],
    });
    expect(result.methods.map((m) => m.method).sort()).toEqual(
      [
        'Textbook BM25 (k1 1.2, b 0.75)',
        'Vector only, exact, fake',
        'Locus full-text (archival)',
        'Locus recall search, words only',
        'Locus recall search (conversation_search), fake',
        'Locus vector, fake',
        'Locus hybrid, fake',
      ].sort(),
    );
    for (const method of result.methods) {
      expect(method.questions).toBe(4);
      expect(method.halves).toHaveLength(2);
      if (method.method.includes('ector')) continue; // 'Locus vector' and 'Vector only'
      // In the first conversation every question shares a distinctive word
      // with exactly its evidence turn.
      expect(method.halves?.[0]['r@5']).toBe(100);
      // In the second none does: words alone find nothing (a vector ranking
      // still returns every one of its 15 turns).
      if (!method.method.endsWith('fake')) {
        expect(method.halves?.[1]['r@50']).toBe(0);
        expect(method.overall['r@5']).toBe(75);
      }
    }
  });
});

describe('LongMemEval-shaped retrieval', () => {
  it("scores oracle and padded haystacks, evidence only from the question's own sessions", async () => {
    const session = (topic: string, answer: boolean) => [
      { role: 'user' as const, content: `Tell me about ${topic}.`, has_answer: answer },
      { role: 'assistant' as const, content: `Here is a long answer about ${topic} and more.` },
    ];
    const question = (id: string, topic: string, other: string) => ({
      question_id: id,
      question_type: 'single-session-user',
      question: `What did I say about ${topic}?`,
      haystack_dates: ['2023/05/20 (Sat) 10:00', '2023/05/21 (Sun) 19:50'],
      haystack_session_ids: [`${id}-a`, `${id}-b`],
      haystack_sessions: [session(topic, true), session(other, false)],
    });
    const result = await runLongMemEvalBench({
      questions: [
        question('q1', 'sourdough', 'kayaks'),
        question('q2', 'telescopes', 'violins'),
        question('q3', 'orchids', 'glaciers'),
      ],
      embedders: [
        {
          label: 'fake',
          embedder: cachingEmbedder({
            name: 'fake',
            dimensions: 64,
            lexical: true,
            create: async () => createFakeEmbedder({ dimensions: 64 }),
          }),
        },
      ],
      paddedSessions: 4,
    });
    expect(result.questions).toBe(3);
    expect(result.oracle.turns).toBe(12);
    // Each padded haystack: its own 2 sessions and 2 of the others, 2 turns each.
    expect(result.padded?.turns).toBe(3 * 4 * 2);
    for (const set of [result.oracle, result.padded!]) {
      const bm25 = set.methods.find((m) => m.method.startsWith('Textbook BM25'));
      const hybrid = set.methods.find((m) => m.method === 'Locus hybrid, fake');
      const recall = set.methods.find((m) => m.method.startsWith('Locus recall search (conv'));
      // The topic word is in the question and in exactly one user turn.
      expect(bm25?.overall['r@1']).toBe(100);
      expect(hybrid?.overall['r@1']).toBe(100);
      // conversation_search lends each turn its neighbours' score, so here the
      // longer assistant reply can tie-break above the user's turn (a known
      // gap, docs/benchmarks.md): the evidence must still be in its top 5.
      expect(recall?.overall['r@5']).toBe(100);
    }
  });
});

describe('memory surfacing benchmark', () => {
  it('scores the memories block a real turn stored, and what another memory surfaces', async () => {
    const said = [
      'adopted a beagle puppy named Biscuit',
      'started pottery classes downtown',
      'flew to Lisbon for a conference',
      ...Array.from({ length: 9 }, (_, i) => `had an ordinary evening, number ${i}`),
    ];
    const conversation = (id: string, texts: string[], qa: Array<[string, string]>) =>
      parseConversation({
        sample_id: id,
        conversation: {
          speaker_a: 'Ann',
          speaker_b: 'Bo',
          session_1_date_time: '9:00 am on 2 March, 2024',
          session_1: texts.map((text, i) => ({
            speaker: i % 2 ? 'Bo' : 'Ann',
            dia_id: `D1:${i + 1}`,
            text: `I ${text}`,
          })),
        },
        qa: qa.map(([question, evidence]) => ({ question, category: 1, evidence: [evidence] })),
      });
    const pets = conversation('pets', said, [
      ['Tell me about the beagle puppy Biscuit', 'D1:1'],
      ['Tell me about the Lisbon conference', 'D1:3'],
    ]);
    // Nothing here is about puppies or conferences.
    const weather = conversation(
      'weather',
      ['watched the rain fall on the harbour', 'baked bread', 'read a novel', 'fixed the gate'],
      [['Tell me about the rain on the harbour', 'D1:1']],
    );
    const result = await runSurfacingBench({
      embedder: {
        label: 'fake',
        embedder: cachingEmbedder({
          name: 'fake',
          dimensions: 64,
          lexical: true,
          create: async () => createFakeEmbedder({ dimensions: 64 }),
        }),
      },
      locomo: [pets, weather],
    });
    const locomo = result.locomo!;
    expect(locomo.questions).toBe(3);
    expect(locomo.budgets.map((b) => b.budget)).toEqual([...SURFACING_BUDGETS]);
    for (const budget of locomo.budgets) {
      // Each question's evidence shares its rare words, and the block held it.
      expect(budget.evidence).toBe(100);
      expect(budget.surfaced).toBe(100);
      expect(budget.meanTokens).toBeGreaterThan(0);
      expect(budget.meanTokens).toBeLessThanOrEqual(budget.budget);
    }
    // Asked of the other conversation's memory, the questions find nothing
    // above the floor: no block is stored.
    const [cross] = locomo.crossConversation;
    expect(cross?.questions).toBe(3);
    expect(cross?.meanTokens).toBe(0);
    expect(cross?.surfaced).toBe(0);
  });
});

describe('npm run bench -- --quick', () => {
  const hasLocomo = fs.existsSync(DEFAULT_LOCOMO_PATH);
  const hasLongMemEval = fs.existsSync(DEFAULT_LONGMEMEVAL_PATH);
  it(`runs every suite (those whose data is missing are skipped) and writes JSON and Markdown`, async () => {
    const out = tempDir('locus-bench-');
    const suites = 'locomo,longmemeval,scale,tokens';
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'bench/run.ts'),
        '--quick',
        // Small: this checks that every suite runs and reports, not speed
        // (each tiny-GGUF step evaluates ~5k prompt tokens: minutes of CPU at 8 turns).
        '--sizes',
        '300',
        '--turns',
        '2',
        '--suites',
        suites,
        '--threads',
        '2',
        '--out',
        out,
      ],
      { cwd: repoRoot, maxBuffer: 16 * 2 ** 20 },
    );
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    const markdown = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(results.quick).toBe(true);
    expect(results.finishedAt).toBeTruthy();

    const [point] = results.scale.points;
    expect(point.passages).toBe(300);
    expect(point.messages).toBeGreaterThanOrEqual(300);
    expect(point.hnswRecallAt10).toBeGreaterThan(0.8);
    expect(point.search.hybrid.p50Ms).toBeGreaterThan(0);
    expect(point.search.hybrid.p95Ms).toBeGreaterThanOrEqual(point.search.hybrid.p50Ms);
    expect(point.databaseMb).toBeGreaterThan(0);
    expect(markdown).toContain('## Cost at scale');

    // Every step after the first is served its stable prefix (instructions,
    // tools) from the KV cache, whatever the random model's tool calls did
    // to memory; llama-chat-model.test.ts checks reuse exactly.
    expect(results.tokens.steps).toBeGreaterThanOrEqual(2);
    for (const step of results.tokens.perStep.slice(1))
      expect(step.reusedTokens).toBeGreaterThan(step.promptTokens / 4);
    expect(markdown).toContain('## Prompt tokens evaluated vs reused');
    // Each turn asks about a stored note, so surfacing gives it memories and
    // their cost is counted by the model's own tokenizer.
    expect(results.tokens.surfacing.turnsWithMemories).toBeGreaterThanOrEqual(1);
    expect(results.tokens.surfacing.meanModelTokensPerTurn).toBeGreaterThan(0);

    if (hasLocomo) {
      expect(results.locomo.questions).toBeGreaterThan(100);
      for (const method of results.locomo.methods) {
        for (let i = 1; i < LOCOMO_KS.length; i++) {
          expect(method.overall[`r@${LOCOMO_KS[i]}`]).toBeGreaterThanOrEqual(
            method.overall[`r@${LOCOMO_KS[i - 1]}`],
          );
        }
      }
      // A regression guard on the real data: BM25 over one conversation.
      const text = results.locomo.methods.find((m: { method: string }) =>
        m.method.startsWith('Locus full-text'),
      );
      expect(text.overall['r@10']).toBeGreaterThan(50);
      expect(markdown).toContain('## LoCoMo evidence recall');
    } else {
      expect(results.skipped.locomo).toMatch(/not found/);
    }
    if (hasLongMemEval) {
      for (const set of [results.longmemeval.oracle, results.longmemeval.padded]) {
        const names = set.methods.map((m: { method: string }) => m.method);
        expect(names).toContain('Textbook BM25 (k1 1.2, b 0.75)');
        expect(names.some((n: string) => n.startsWith('Vector only'))).toBe(true);
        for (const method of set.methods) {
          expect(method.overall['r@25']).toBeGreaterThanOrEqual(method.overall['r@5']);
        }
      }
    } else {
      expect(results.skipped.longmemeval).toMatch(/not found/);
    }
  });
});
