import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFakeEmbedder } from '../src/core/models/fake-embedder';
import { createTransformersEmbedder } from '../src/core/models/transformers-embedder';
import { loadLocomo } from './locomo/locomo-data';
import { runRetrievalBench, type EmbedderSpec } from './locomo/retrieval-bench';
import { renderMarkdown } from './report';
import { runPeersBench, type PeerSystemId } from './peers/peers-bench';
import { runScaleBench } from './scale/scale-bench';
import { runStartupBench } from './startup/startup-bench';
import { runTokenReuseBench } from './tokens/token-reuse-bench';

const SUITES = ['locomo', 'scale', 'tokens', 'startup', 'peers'] as const;
/** Suites that run only when named: peers installs other databases first. */
const DEFAULT_SUITES: readonly Suite[] = ['locomo', 'scale', 'tokens', 'startup'];
type Suite = (typeof SUITES)[number];

const USAGE = `npm run bench -- [options]

  --quick                 small sizes (what CI runs): 1 LoCoMo conversation, 1k passages, 10 turns
  --suites a,b            any of ${SUITES.join(', ')} (default: all)
  --out <dir>             results folder (default: bench/results)
  --locomo <file>         locomo10.json (default: ../shared/data/locomo10.json)
  --embedder-model <dir>  also run LoCoMo with a transformers.js model folder
                          (a folder holding <org>/<name>/config.json and onnx/)
  --embedder-name <id>    the model id inside that folder (default: Xenova/all-MiniLM-L6-v2)
  --sizes 1000,10000      passage counts for the scale suite (default: 1000,10000,100000)
  --threads <n>           threads for models (default: number of cores)
  --turns <n>             turns of the tokens suite (default: 50, or 8 with --quick)
  --runs <n>              runs per command in the startup suite (default: 7)
  --compare <checkout>    startup: also time another checkout's bin/locus.js
  --systems a,b           peers: any of locus, lancedb, sqlite, mem0 (default: all)
                          (--sizes also sets the peers suite's sizes; default 10000,100000)
`;

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  locomo?: Awaited<ReturnType<typeof runRetrievalBench>>;
  scale?: Awaited<ReturnType<typeof runScaleBench>>;
  tokens?: Awaited<ReturnType<typeof runTokenReuseBench>>;
  startup?: Awaited<ReturnType<typeof runStartupBench>>;
  peers?: Awaited<ReturnType<typeof runPeersBench>>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      suites: { type: 'string' },
      out: { type: 'string', default: path.resolve(import.meta.dirname, 'results') },
      locomo: { type: 'string' },
      'embedder-model': { type: 'string' },
      'embedder-name': { type: 'string', default: 'Xenova/all-MiniLM-L6-v2' },
      sizes: { type: 'string' },
      threads: { type: 'string' },
      turns: { type: 'string' },
      runs: { type: 'string' },
      compare: { type: 'string' },
      systems: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const suites = (values.suites?.split(',') ?? [...DEFAULT_SUITES]) as Suite[];
  const unknown = suites.filter((s) => !SUITES.includes(s));
  if (unknown.length > 0) throw new Error(`Unknown suite(s): ${unknown.join(', ')}.\n\n${USAGE}`);
  const quick = values.quick;
  const threads = Number(values.threads ?? os.availableParallelism());
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    quick,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
  };
  fs.mkdirSync(values.out, { recursive: true });
  const save = () => {
    fs.writeFileSync(
      path.join(values.out, 'results.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(values.out, 'results.md'), renderMarkdown(results));
  };

  if (suites.includes('locomo')) {
    const all = loadLocomo(values.locomo);
    const conversations = quick ? all.slice(0, 1) : all;
    const embedders: EmbedderSpec[] = [
      {
        label: 'fake-hash-384 (offline fallback)',
        create: async () => createFakeEmbedder({ dimensions: 384 }),
      },
      // TF.js and the USE model load only when this suite runs.
      {
        label: 'USE-lite-512',
        create: async () => (await import('./use-embedder')).createUseEmbedder(),
      },
    ];
    const modelDir = values['embedder-model'];
    if (modelDir) {
      const model = values['embedder-name'];
      embedders.push({
        label: model,
        create: () =>
          createTransformersEmbedder({ modelsDir: modelDir, model, threads, allowDownload: false }),
      });
    }
    results.locomo = await runRetrievalBench({ conversations, embedders, log });
    save();
  }
  if (suites.includes('scale')) {
    const sizes = values.sizes
      ? values.sizes.split(',').map(Number)
      : quick
        ? [1000]
        : [1000, 10_000, 100_000];
    results.scale = await runScaleBench({
      sizes,
      log,
      ...(quick ? { queries: 20, turns: 5 } : {}),
    });
    save();
  }
  if (suites.includes('tokens')) {
    const turns = values.turns ? Number(values.turns) : quick ? 8 : 50;
    results.tokens = await runTokenReuseBench({ turns, threads, log });
    save();
  }
  if (suites.includes('startup')) {
    results.startup = await runStartupBench({
      runs: Number(values.runs ?? (quick ? 3 : 7)),
      ...(values.compare ? { compare: values.compare } : {}),
      log,
    });
    save();
  }
  if (suites.includes('peers')) {
    results.peers = await runPeersBench({
      conversations: loadLocomo(values.locomo),
      sizes: values.sizes
        ? values.sizes.split(',').map(Number)
        : quick
          ? [2000]
          : [10_000, 100_000],
      ...(values.systems ? { systems: values.systems.split(',') as PeerSystemId[] } : {}),
      ...(quick ? { queries: 50 } : {}),
      cacheDir: path.join(values.out, 'cache'),
      createEmbedder: async () => (await import('./use-embedder')).createUseEmbedder(),
      log,
    });
    save();
  }
  results.finishedAt = new Date().toISOString();
  save();
  log(`Results: ${path.join(values.out, 'results.json')} and results.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
