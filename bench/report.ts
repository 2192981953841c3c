import type { BenchResults } from './run';
import { PUBLISHED_BASELINES } from './locomo/retrieval-bench';
import type { MethodScore } from './retrieval/recall-at-k';
import type { RetrievalResult } from './retrieval/run-retrieval';
import type { LatencySummary } from './stats';
import type { BudgetScore } from './surfacing/surfacing-bench';

// A mean over no rows (e.g. no step followed a memory edit) has no value to show.
const cell = (value: string | number | null) =>
  value === null || (typeof value === 'number' && Number.isNaN(value)) ? '–' : value;
const row = (cells: Array<string | number | null>) => `| ${cells.map(cell).join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];
const lat = (l: LatencySummary) => `${l.p50Ms} / ${l.p95Ms}`;

function ksOf(methods: MethodScore[]): number[] {
  return Object.keys(methods[0]?.overall ?? {}).map((key) => Number(key.slice(2)));
}

/** Overall, by half of the haystacks, and by kind of question (at R@10). */
function retrievalTables(
  r: RetrievalResult,
  options: { haystackNoun: string; extraRows?: string[] } = { haystackNoun: 'haystacks' },
): string[] {
  const ks = ksOf(r.methods);
  const out = [
    ...header(['Method', ...ks.map((k) => `R@${k}`)]),
    ...(options.extraRows ?? []),
    ...r.methods.map((s) => row([s.method, ...ks.map((k) => s.overall[`r@${k}`] ?? '')])),
    '',
  ];
  const split = r.methods.filter((s) => s.halves);
  if (split.length > 0) {
    const half = Math.ceil(r.haystacks / 2);
    out.push(
      `By half of the ${options.haystackNoun}, ${ks.map((k) => `R@${k}`).join(' / ')}:`,
      '',
      ...header(['Method', `1-${half}`, `${half + 1}-${r.haystacks}`]),
      ...split.map((s) =>
        row([s.method, ...(s.halves ?? []).map((h) => ks.map((k) => h[`r@${k}`]).join(' / '))]),
      ),
      '',
    );
  }
  const kinds = [...new Set(r.methods.flatMap((s) => Object.keys(s.byKind)))];
  out.push(
    'By kind of question, R@10 (questions):',
    '',
    ...header(['Method', ...kinds]),
    ...r.methods.map((s) =>
      row([
        s.method,
        ...kinds.map((c) => {
          const score = s.byKind[c];
          return score ? `${score['r@10']} (${score.questions})` : '';
        }),
      ]),
    ),
    '',
  );
  return out;
}

/** The short Markdown summary written next to results.json (and pasted into docs/benchmarks.md). */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [
    `# Locus benchmark results${results.quick ? ' (quick mode)' : ''}`,
    '',
    `${results.startedAt} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGb} GB · Node ${m.node} · ${m.platform}`,
    '',
  ];
  for (const [suite, why] of Object.entries(results.skipped ?? {})) {
    out.push(`Skipped ${suite}: ${why}`, '');
  }
  if (results.locomo) {
    const l = results.locomo;
    const ks = ksOf(l.methods);
    out.push(
      '## LoCoMo evidence recall (categories 1-4)',
      '',
      `${l.haystacks} conversations, ${l.turns} turns, ${l.questions} questions (${l.droppedEvidence} evidence ids that name no turn were dropped).`,
      '',
      ...retrievalTables(l, {
        haystackNoun: 'conversations',
        extraRows: PUBLISHED_BASELINES.map((b) =>
          row([b.method, ...ks.map((k) => b.overall[`r@${k}`] ?? '')]),
        ),
      }),
    );
  }
  if (results.longmemeval) {
    const l = results.longmemeval;
    out.push(
      '## LongMemEval dev evidence recall (turn level)',
      '',
      `${l.questions} questions, ${l.oracle.questions} with evidence turns. Oracle: each question's own sessions (${l.oracle.turns} turns in all).`,
      '',
      ...retrievalTables(l.oracle, { haystackNoun: 'questions' }),
      ...(l.padded
        ? [
            `Padded to ${l.padded.sessions} sessions per question with seeded distractor sessions (${l.padded.turns} turns in all):`,
            '',
            ...retrievalTables(l.padded, { haystackNoun: 'questions' }),
          ]
        : []),
    );
  }
  if (results.surfacing) {
    const sf = results.surfacing;
    const budgetRows = (set: { budgets: BudgetScore[] }) =>
      set.budgets.map((b) => row([b.budget, b.evidence, b.medianTokens, b.meanTokens, b.surfaced]));
    out.push('## Memory surfacing', '', `Embedder ${sf.embedder}; estimated tokens.`, '');
    const budgetHeader = header([
      'Budget',
      'Evidence in block %',
      'Median tokens',
      'Mean tokens',
      'Questions given memories %',
    ]);
    if (sf.locomo) {
      const l = sf.locomo;
      out.push(
        `LoCoMo, categories 1-4 (${l.questions} questions, ${l.conversations} conversations; stored in ${l.seconds.store} s, asked in ${l.seconds.questions} s):`,
        '',
        ...budgetHeader,
        ...budgetRows(l),
        '',
        "Cross-conversation (each question asked of the next conversation's memory):",
        '',
        ...header(['Budget', 'Mean tokens', 'Median tokens', 'Questions given memories %']),
        ...l.crossConversation.map((c) =>
          row([c.budget, c.meanTokens, c.medianTokens, c.surfaced]),
        ),
        '',
      );
    }
    if (sf.longmemeval) {
      const l = sf.longmemeval;
      out.push(
        `LongMemEval dev, padded to ${l.sessions} sessions (${l.questions} questions, ${l.haystacks} of ${l.ofHaystacks} haystacks; stored in ${l.seconds.store} s, asked in ${l.seconds.questions} s):`,
        '',
        ...budgetHeader,
        ...budgetRows(l),
        '',
      );
    }
  }
  if (results.scale) {
    const s = results.scale;
    out.push(
      '## Cost at scale',
      '',
      `Embedder ${s.embedder}; ${s.queries} queries and ${s.turns} agent turns per size. Latencies are p50 / p95 in ms.`,
      '',
      ...header([
        'Passages',
        'Messages',
        'Hybrid search',
        'Vector search',
        'Exact vector scan',
        'HNSW recall@10',
        'Bulk insert/s',
        'Single insert/s',
        'Index build s',
        'Message index s',
        'DB MB',
        'RSS MB',
        'Open ms',
      ]),
      ...s.points.map((p) =>
        row([
          p.passages,
          p.messages,
          lat(p.search.hybrid),
          lat(p.search.vector),
          lat(p.search.exactVector),
          p.hnswRecallAt10,
          p.bulkInsertPerSecond,
          p.singleInsertPerSecond,
          p.indexBuildSeconds,
          p.messageIndexSeconds,
          p.databaseMb,
          p.rssMb,
          p.openMs,
        ]),
      ),
      '',
      'Agent step overhead, everything but the model (p50 / p95 ms):',
      '',
      ...header([
        'Passages + messages',
        'Compile context',
        'Archival search',
        'Recall search',
        'Persist a message',
        'Per step, whole loop',
        'Index a turn (background)',
      ]),
      ...s.points.map((p) =>
        row([
          p.passages,
          lat(p.step.compile),
          lat(p.step.archivalSearch),
          lat(p.step.recallSearch),
          lat(p.step.persist),
          lat(p.step.turnOverhead),
          lat(p.step.indexTurn),
        ]),
      ),
      '',
    );
  }
  if (results.tokens) {
    const t = results.tokens;
    out.push(
      '## Prompt tokens evaluated vs reused',
      '',
      `${t.turns} turns, ${t.steps} steps on the ${t.model}, context ${t.contextSize}.`,
      '',
      ...header(['Steps', 'Count', 'Mean prompt', 'Mean new', 'Mean evaluated', 'Reused share']),
      row([
        'memory unchanged',
        t.unchangedMemory.steps,
        t.unchangedMemory.meanPromptTokens,
        t.unchangedMemory.meanNewTokens,
        t.unchangedMemory.meanEvaluatedTokens,
        t.unchangedMemory.reusedShare,
      ]),
      row([
        'after a memory edit or summary',
        t.changedMemory.steps,
        t.changedMemory.meanPromptTokens,
        '',
        t.changedMemory.meanEvaluatedTokens,
        t.changedMemory.reusedShare,
      ]),
      '',
      `Surfacing: memories given on ${t.surfacing.turnsWithMemories} of ${t.turns} turns, costing ${t.surfacing.meanModelTokensPerTurn} prompt tokens per turn on average (${t.surfacing.meanEstimatedTokensPerTurn} by Locus's estimate); beyond the new tokens, a turn's first step (the block among them) evaluates ${t.surfacing.firstStepsEvaluatedOverNew} and later steps ${t.surfacing.laterStepsEvaluatedOverNew}: the status line and the previous reply, re-read after it.`,
      '',
    );
  }
  if (results.peers) {
    const p = results.peers;
    out.push(
      '## Peers: the same vectors in other embedded stores',
      '',
      `${p.queries} LoCoMo questions per size, k = 10; each system searches in a fresh process, then asks the same questions again in it; mem0 only up to ${p.mem0MaxSize} rows. Load average ${p.loadAverage.before} before, ${p.loadAverage.after} after.`,
      '',
      ...header(['System', 'LoCoMo R@5', 'R@10', 'Questions']),
      ...p.recall.map((r) => row([r.name, r['r@5'], r['r@10'], r.questions])),
      '',
      ...header([
        'Rows',
        'System',
        'Search p50 / p95 ms (fresh)',
        'Again, same process',
        'Inserts/s (indexed / written)',
        'Disk MB',
        'Peak RSS MB (search / build)',
        'Open ms',
      ]),
      ...p.points.map((r) =>
        row([
          r.size,
          r.name,
          `${r.search.p50Ms} / ${r.search.p95Ms}`,
          `${r.warmSearch.p50Ms} / ${r.warmSearch.p95Ms}`,
          `${r.insertsPerSecond} / ${r.writesPerSecond}`,
          r.diskMb,
          `${r.searchPeakRssMb} / ${r.buildPeakRssMb}`,
          r.openMs,
        ]),
      ),
      '',
    );
  }
  if (results.startup) {
    const s = results.startup;
    out.push(
      '## Start-up: one-shot `locus -p`',
      '',
      `${s.runs} runs each, interleaved; load average ${s.loadAverage.before} before, ${s.loadAverage.after} after (2 cores: the wall time stretches with load, CPU time much less).`,
      '',
      ...header(['Command', 'Wall ms p50 / max', 'CPU ms p50 / max', 'Peak RSS MB p50 / max']),
      ...s.rows.map((r) =>
        row([
          r.command,
          `${r.wallMs.p50} / ${r.wallMs.max}`,
          `${r.cpuMs.p50} / ${r.cpuMs.max}`,
          `${r.peakRssMb.p50} / ${r.peakRssMb.max}`,
        ]),
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
