// One system, one phase, in a process of its own (the suite measures the
// process: wall time, CPU, peak RSS). Prints one JSON line on stdout.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { folderBytes } from '../../src/core/storage/buffer-cache';
import { percentile, round } from '../stats';
import { queriesFile, readCorpus, type PeerCorpus } from './peer-data';
import type { PeerRow, PeerSystem } from './systems/peer-store';

const BATCH = 1000;

/**
 * The peers' modules import packages that exist only once the suite has
 * installed them, so they are loaded by path (the type checker skips them).
 */
async function external(file: string, exported: string): Promise<PeerSystem> {
  const module = (await import(`./external/${file}`)) as Record<string, PeerSystem>;
  return module[exported] as PeerSystem;
}

async function system(name: string): Promise<PeerSystem> {
  switch (name) {
    case 'locus':
      return (await import('./systems/locus-store')).locusSystem;
    case 'sqlite':
      return external('sqlite-store.ts', 'sqliteSystem');
    case 'lancedb':
      return external('lance-store.ts', 'lanceSystem');
    case 'mem0':
      return external('mem0-store.ts', 'mem0System');
    default:
      throw new Error(`Unknown system ${name}`);
  }
}

function rows(corpus: PeerCorpus, from: number, to: number): PeerRow[] {
  const out: PeerRow[] = [];
  for (let i = from; i < to; i++) {
    out.push({
      text: corpus.texts[i] as string,
      group: corpus.groups[i] as number,
      id: corpus.ids[i] as string,
      vector: corpus.vectors[i] as Float32Array,
    });
  }
  return out;
}

const { values } = parseArgs({
  options: {
    system: { type: 'string' },
    phase: { type: 'string' },
    dir: { type: 'string' },
    corpus: { type: 'string' },
    k: { type: 'string', default: '10' },
  },
});
// Searching needs only the questions (and the texts Locus embeds besides them).
const corpus = readCorpus(
  values.phase === 'search' ? queriesFile(values.corpus as string) : (values.corpus as string),
);
const vectors = new Map<string, Float32Array>();
corpus.texts.forEach((t, i) => vectors.set(t, corpus.vectors[i] as Float32Array));
corpus.queries.forEach((q) => vectors.set(q.text, q.vector));
corpus.extra.forEach((e) => vectors.set(e.text, e.vector));
const vectorOf = (text: string) => {
  const v = vectors.get(text);
  if (!v) throw new Error(`No cached vector for "${text.slice(0, 40)}"`);
  return v;
};
const dir = values.dir as string;
const peer = await system(values.system as string);

if (values.phase === 'build') {
  fs.mkdirSync(dir, { recursive: true });
  const store = await peer.open(dir, vectorOf);
  const started = performance.now();
  for (let i = 0; i < corpus.texts.length; i += BATCH) {
    await store.insert(rows(corpus, i, Math.min(corpus.texts.length, i + BATCH)));
  }
  await store.finish();
  const written = (performance.now() - started) / 1000;
  // Closing is counted too: Locus builds a vector index it deferred then.
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  const rowsStored = corpus.texts.length;
  process.stdout.write(
    `${JSON.stringify({
      rows: rowsStored,
      insertsPerSecond: Math.round(rowsStored / seconds),
      writesPerSecond: Math.round(rowsStored / written),
      diskMb: round(folderBytes(dir) / 2 ** 20, 1),
    })}\n`,
  );
} else if (values.phase === 'search') {
  const k = Number(values.k);
  const opened = performance.now();
  const store = await peer.open(dir, vectorOf);
  const openMs = performance.now() - opened;
  // Two passes over the same questions: the first is what a fresh process
  // sees (Locus's WebAssembly Postgres warms up over its first searches), the
  // second what a long-running one does (the app keeps its store open).
  const passes: number[][] = [[], []];
  const retrieved: string[][] = [];
  for (const latencies of passes) {
    for (const [i, query] of corpus.queries.entries()) {
      const start = performance.now();
      const found = await store.search(query, k);
      latencies.push(performance.now() - start);
      retrieved[i] ??= found;
    }
  }
  await store.close();
  const [fresh, warm] = passes as [number[], number[]];
  process.stdout.write(
    `${JSON.stringify({
      openMs: Math.round(openMs),
      // Locus reads its copy of the signs on the first search (memory/sign-index.ts).
      firstMs: round(fresh[0] ?? 0),
      p50Ms: round(percentile(fresh, 50)),
      p95Ms: round(percentile(fresh, 95)),
      warmP50Ms: round(percentile(warm, 50)),
      warmP95Ms: round(percentile(warm, 95)),
      retrieved,
    })}\n`,
  );
} else {
  throw new Error(`Unknown phase ${values.phase}`);
}
