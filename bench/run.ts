import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFakeEmbedder } from '../src/core/models/fake-embedder';
import { createTransformersEmbedder } from '../src/core/models/transformers-embedder';
import { cachingEmbedder, embeddingCacheFile } from './embedding-cache';
import { DEFAULT_LOCOMO_PATH, loadLocomo } from './locomo/locomo-data';
import { runLocomoBench } from './locomo/retrieval-bench';
import { runLongMemEvalBench } from './longmemeval/longmemeval-bench';
import { DEFAULT_LONGMEMEVAL_PATH, loadLongMemEval } from './longmemeval/longmemeval-data';
import type { RetrievalEmbedder } from './retrieval/run-retrieval';
import { renderMarkdown } from './report';
import { runPeersBench, type PeerSystemId } from './peers/peers-bench';
import { runScaleBench } from './scale/scale-bench';
import { runStartupBench } from './startup/startup-bench';
import { runSurfacingBench } from './surfacing/surfacing-bench';
import { runTokenReuseBench } from './tokens/token-reuse-bench';

// The datasets' times are read as UTC instants and the prompts show local
// time: in UTC every figure is the same on any machine.
process.env.TZ = 'UTC';

const SUITES = [
  'locomo',
  'longmemeval',
  'surfacing',
  'scale',
  'tokens',
  'startup',
  'peers',
] as const;
/** Suites that run only when named: peers installs other databases first. */
const DEFAULT_SUITES: readonly Suite[] = [
  'locomo',
  'longmemeval',
  'surfacing',
  'scale',
  'tokens',
  'startup',
];
type Suite = (typeof SUITES)[number];

const USAGE = `npm run bench -- [options]

  --quick                 small sizes (what CI runs): 1 LoCoMo conversation, 24 LongMemEval
                          questions padded to 10 sessions, 1k passages, 8 turns
  --suites a,b            any of ${SUITES.join(', ')} (default: all)
  --out <dir>             results folder (default: bench/results)
  --locomo <file>         locomo10.json (default: ../shared/data/locomo10.json)
  --longmemeval <file>    longmemeval_dev.json (default: ../shared/data/longmemeval_dev.json)
                          A suite whose data file is missing is skipped with a message.
  --padded-sessions <n>   LongMemEval: sessions per padded haystack (default 40; 0: oracle only)
  --reuse-db <dir>        keep the retrieval suites' databases there and reopen them on the
                          next run instead of storing everything again (development)
  --embedder-model <dir>  also run LoCoMo with a transformers.js model folder
                          (a folder holding <org>/<name>/config.json and onnx/)
  --embedder-name <id>    the model id inside that folder (default: Xenova/all-MiniLM-L6-v2)
  --sizes 1000,10000      passage counts for the scale suite (default: 1000,10000,100000)
  --threads <n>           threads for models (default: number of cores)
  --turns <n>             turns of the tokens suite (default: 50, or 8 with --quick)
  --runs <n>              runs per command in the startup suite (default: 7)
  --compare <checkout>    startup: also time another checkout's bin/locus.js
  --surfacing-sets a,b    surfacing: locomo, longmemeval or both (default: both)
  --surfacing-conversations <n>  surfacing: the first n LoCoMo conversations (default: all)
  --surfacing-haystacks <n>      surfacing: the first n padded LongMemEval haystacks, or a range
                                 from-to (0-based, to excluded; default: all)
  --surfacing-budgets a,b        surfacing: budgets asked at (default: 250,500,1000,2000)
  --systems a,b           peers: any of locus, lancedb, sqlite, mem0 (default: all)
                          (--sizes also sets the peers suite's sizes; default 10000,100000)
`;

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  locomo?: Awaited<ReturnType<typeof runLocomoBench>>;
  longmemeval?: Awaited<ReturnType<typeof runLongMemEvalBench>>;
  surfacing?: Awaited<ReturnType<typeof runSurfacingBench>>;
  /** Suites skipped because their data is not on this machine, with why. */
  skipped?: Record<string, string>;
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
      longmemeval: { type: 'string' },
      'reuse-db': { type: 'string' },
      'padded-sessions': { type: 'string' },
      'embedder-model': { type: 'string' },
      'embedder-name': { type: 'string', default: 'Xenova/all-MiniLM-L6-v2' },
      sizes: { type: 'string' },
      threads: { type: 'string' },
      turns: { type: 'string' },
      runs: { type: 'string' },
      compare: { type: 'string' },
      systems: { type: 'string' },
      'surfacing-sets': { type: 'string' },
      'surfacing-conversations': { type: 'string' },
      'surfacing-haystacks': { type: 'string' },
      'surfacing-budgets': { type: 'string' },
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

  // Real embedders' vectors are cached on disk (bench/.cache), so reruns embed nothing new.
  const embedders: RetrievalEmbedder[] = [
    {
      label: 'fake-hash-384 (offline fallback)',
      embedder: cachingEmbedder({
        name: 'fake-hash-384',
        dimensions: 384,
        lexical: true,
        create: async () => createFakeEmbedder({ dimensions: 384 }),
      }),
    },
    {
      label: 'USE-lite-512',
      embedder: cachingEmbedder({
        name: 'use-lite-512',
        dimensions: 512,
        // TF.js and the USE model load only when a vector is not in the cache.
        create: async () => (await import('./use-embedder')).createUseEmbedder(),
        file: embeddingCacheFile('use-lite-512'),
      }),
    },
  ];
  const modelDir = values['embedder-model'];
  if (modelDir) {
    const model = values['embedder-name'];
    const real = await createTransformersEmbedder({
      modelsDir: modelDir,
      model,
      threads,
      allowDownload: false,
    });
    embedders.push({
      label: model,
      embedder: cachingEmbedder({
        name: real.name,
        dimensions: real.dimensions,
        create: async () => real,
        file: embeddingCacheFile(real.name),
      }),
    });
  }
  const reuse = values['reuse-db'] ? { reuseDir: path.resolve(values['reuse-db']) } : {};
  const skip = (suite: string, why: string) => {
    results.skipped = { ...results.skipped, [suite]: why };
    log(`Skipping the ${suite} suite: ${why}`);
  };
  if (suites.includes('locomo')) {
    const file = values.locomo ?? DEFAULT_LOCOMO_PATH;
    if (!fs.existsSync(file)) {
      skip('locomo', `${file} not found (pass --locomo <file>; the data is not in the repo).`);
    } else {
      const all = loadLocomo(file);
      results.locomo = await runLocomoBench({
        conversations: quick ? all.slice(0, 1) : all,
        embedders,
        ...reuse,
        log,
      });
      save();
    }
  }
  if (suites.includes('longmemeval')) {
    const file = values.longmemeval ?? DEFAULT_LONGMEMEVAL_PATH;
    if (!fs.existsSync(file)) {
      skip(
        'longmemeval',
        `${file} not found (pass --longmemeval <file>; the data is not in the repo).`,
      );
    } else {
      const all = loadLongMemEval(file);
      results.longmemeval = await runLongMemEvalBench({
        questions: quick ? all.slice(0, 24) : all,
        // The fallback's LongMemEval figures add little over LoCoMo's and
        // double the run; the real sentence model is the one measured.
        embedders: embedders.filter((e) => !e.label.startsWith('fake')),
        paddedSessions: Number(values['padded-sessions'] ?? (quick ? 10 : 40)),
        ...reuse,
        log,
      });
      save();
    }
  }
  if (suites.includes('surfacing')) {
    const locomoFile = values.locomo ?? DEFAULT_LOCOMO_PATH;
    const lmeFile = values.longmemeval ?? DEFAULT_LONGMEMEVAL_PATH;
    const haveLocomo = fs.existsSync(locomoFile);
    const haveLme = fs.existsSync(lmeFile);
    if (!haveLocomo && !haveLme) {
      skip(
        'surfacing',
        `neither ${locomoFile} nor ${lmeFile} was found (the data is not in the repo).`,
      );
    } else {
      const sets = values['surfacing-sets']?.split(',') ?? ['locomo', 'longmemeval'];
      const locomo = haveLocomo && sets.includes('locomo') ? loadLocomo(locomoFile) : undefined;
      const lme = haveLme && sets.includes('longmemeval') ? loadLongMemEval(lmeFile) : undefined;
      const conversations = Number(values['surfacing-conversations'] ?? (quick ? 2 : Infinity));
      const haystacks = values['surfacing-haystacks'];
      results.surfacing = await runSurfacingBench({
        // The real sentence model: surfacing is about what a user would get.
        embedder:
          embedders.find((e) => !e.label.startsWith('fake')) ?? (embedders[0] as RetrievalEmbedder),
        ...(locomo ? { locomo: locomo.slice(0, conversations) } : {}),
        ...(lme ? { longmemeval: quick ? lme.slice(0, 24) : lme } : {}),
        // "n" (the first n) or "from-to" (0-based, to excluded).
        ...(haystacks
          ? {
              longmemevalSlice: (haystacks.includes('-')
                ? haystacks.split('-').map(Number)
                : [0, Number(haystacks)]) as [number, number],
            }
          : {}),
        paddedSessions: Number(values['padded-sessions'] ?? (quick ? 10 : 40)),
        ...(values['surfacing-budgets']
          ? { budgets: values['surfacing-budgets'].split(',').map(Number) }
          : {}),
        ...reuse,
        log,
      });
      save();
    }
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
  for (const { embedder } of embedders) await embedder.dispose();
  results.finishedAt = new Date().toISOString();
  save();
  log(`Results: ${path.join(values.out, 'results.json')} and results.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
