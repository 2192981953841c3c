import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../src/core/models/embedder';
import type { Conversation } from '../locomo/locomo-data';
import { loadAverage, measureNode } from '../process/measure-process';
import { round } from '../stats';
import { bundleHarness } from './bundle-harness';
import { locomoCorpus, locomoVectors, saveCorpus, syntheticCorpus } from './peer-data';

export const PEER_SYSTEMS = ['locus', 'lancedb', 'sqlite', 'mem0'] as const;
export type PeerSystemId = (typeof PEER_SYSTEMS)[number];

export interface PeersOptions {
  conversations: Conversation[];
  sizes: number[];
  systems?: PeerSystemId[];
  /** Questions per size and for LoCoMo recall (spread over the conversations). Defaults to 200. */
  queries?: number;
  /** mem0 stores one row per call at ~30/s: only sizes up to this. Defaults to 10,000. */
  mem0MaxSize?: number;
  /** Where USE vectors of LoCoMo are kept between runs. */
  cacheDir: string;
  createEmbedder: () => Promise<Embedder>;
  log?: (line: string) => void;
}

export interface PeerPoint {
  system: PeerSystemId;
  name: string;
  size: number;
  /** Rows per second until the store is closed, indexes built. */
  insertsPerSecond: number;
  /** Rows per second until the last write returned (indexes may still be pending). */
  writesPerSecond: number;
  diskMb: number;
  buildPeakRssMb: number;
  openMs: number;
  /** The first search in a fresh process. */
  firstSearchMs: number;
  /** The first pass over the questions in a fresh process. */
  search: { p50Ms: number; p95Ms: number };
  /** The same questions again in the same process. */
  warmSearch: { p50Ms: number; p95Ms: number };
  searchPeakRssMb: number;
}

export interface PeerRecall {
  system: PeerSystemId;
  name: string;
  questions: number;
  'r@5': number;
  'r@10': number;
}

const HERE = import.meta.dirname;
const NAMES: Record<PeerSystemId, string> = {
  locus: 'Locus archival hybrid (PGlite + pgvector)',
  lancedb: 'LanceDB hybrid (FTS + flat vector, RRF)',
  sqlite: 'SQLite FTS5 + sqlite-vec, RRF',
  mem0: 'mem0 OSS (SQLite), infer off',
};

/**
 * The peers live in bench/peers/package.json, installed on first use into
 * bench/peers/node_modules (gitignored): dev-only, and outside Locus's own
 * install size.
 */
export function ensurePeersInstalled(log: (line: string) => void): void {
  if (fs.existsSync(path.join(HERE, 'node_modules', 'mem0ai'))) return;
  log('peers: installing LanceDB, better-sqlite3, sqlite-vec and mem0 into bench/peers');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], {
    cwd: HERE,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('peers: npm install in bench/peers failed');
}

/** Rotates the order each round so no system always runs first on a busy machine. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function runPhase(
  harness: string,
  system: PeerSystemId,
  phase: 'build' | 'search',
  dir: string,
  corpus: string,
) {
  const usage = await measureNode(
    [harness, '--system', system, '--phase', phase, '--dir', dir, '--corpus', corpus],
    { env: { MEM0_TELEMETRY: 'false' }, timeoutMs: 4 * 60 * 60 * 1000 },
  );
  const line = usage.stdout.trim().split('\n').at(-1) ?? '{}';
  return { usage, result: JSON.parse(line) as Record<string, unknown> };
}

/**
 * Locus beside other embedded memory stores, fed the same texts and the same
 * USE-lite vectors: inserts/s, disk, open time, search p50/p95 and peak RSS at
 * each size (every system reopened in a fresh process to search), and the
 * LoCoMo recall of each. Systems run interleaved, one process at a time.
 */
export async function runPeersBench(options: PeersOptions) {
  const log = options.log ?? (() => undefined);
  const systems = options.systems ?? [...PEER_SYSTEMS];
  const queries = options.queries ?? 200;
  const mem0Max = options.mem0MaxSize ?? 10_000;
  ensurePeersInstalled(log);
  const harness = await bundleHarness();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-bench-peers-'));
  const loadBefore = loadAverage();
  const points: PeerPoint[] = [];
  const recall: PeerRecall[] = [];
  try {
    log('peers: USE-lite vectors of LoCoMo (cached after the first run)');
    const vectors = await locomoVectors(
      options.conversations,
      options.cacheDir,
      options.createEmbedder,
    );
    const perConversation = Math.ceil(queries / options.conversations.length);
    const locomo = locomoCorpus(options.conversations, vectors, perConversation);
    const locomoFile = path.join(work, 'locomo');
    saveCorpus(locomoFile, locomo);

    // LoCoMo recall: every turn stored, questions searched within their conversation.
    for (const system of systems) {
      const dir = path.join(work, `${system}-locomo`);
      await runPhase(harness, system, 'build', dir, locomoFile);
      const { result } = await runPhase(harness, system, 'search', dir, locomoFile);
      const retrieved = result.retrieved as string[][];
      const at = (k: number) =>
        round(
          (100 *
            locomo.queries.reduce((sum, q, i) => {
              const top = new Set((retrieved[i] ?? []).slice(0, k));
              return sum + q.evidence.filter((e) => top.has(e)).length / q.evidence.length;
            }, 0)) /
            locomo.queries.length,
          1,
        );
      recall.push({
        system,
        name: NAMES[system],
        questions: locomo.queries.length,
        'r@5': at(5),
        'r@10': at(10),
      });
      fs.rmSync(dir, { recursive: true, force: true });
      log(`peers: LoCoMo ${JSON.stringify(recall.at(-1))}`);
    }

    for (const size of options.sizes) {
      const file = path.join(work, `corpus-${size}`);
      syntheticCorpus(size, locomo, queries, file);
      const active = systems.filter((s) => s !== 'mem0' || size <= mem0Max);
      const built = new Map<
        PeerSystemId,
        { usage: { peakRssMb: number }; result: Record<string, unknown> }
      >();
      for (const [i, system] of rotated(active, size).entries()) {
        log(`peers: ${size} rows into ${system} (${i + 1}/${active.length})`);
        built.set(
          system,
          await runPhase(harness, system, 'build', path.join(work, `${system}-${size}`), file),
        );
      }
      for (const system of rotated(active, size + 1)) {
        const dir = path.join(work, `${system}-${size}`);
        const { usage, result } = await runPhase(harness, system, 'search', dir, file);
        const build = built.get(system);
        points.push({
          system,
          name: NAMES[system],
          size,
          insertsPerSecond: Number(build?.result.insertsPerSecond),
          writesPerSecond: Number(build?.result.writesPerSecond),
          diskMb: Number(build?.result.diskMb),
          buildPeakRssMb: Math.round(build?.usage.peakRssMb ?? 0),
          openMs: Number(result.openMs),
          firstSearchMs: Number(result.firstMs),
          search: { p50Ms: Number(result.p50Ms), p95Ms: Number(result.p95Ms) },
          warmSearch: { p50Ms: Number(result.warmP50Ms), p95Ms: Number(result.warmP95Ms) },
          searchPeakRssMb: Math.round(usage.peakRssMb),
        });
        log(`peers: ${JSON.stringify(points.at(-1))}`);
      }
      for (const system of active) {
        fs.rmSync(path.join(work, `${system}-${size}`), { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return {
    queries,
    mem0MaxSize: mem0Max,
    loadAverage: { before: loadBefore, after: loadAverage() },
    recall,
    points,
  };
}
