// Mutation fuzzing of agent-file import: valid files (a Locus export and, when
// present, Letta's examples) are mutated thousands of ways and imported into
// one core. Every import must either succeed and add exactly what it reports,
// or fail with AGENT_FILE_INVALID and change nothing. Anything else is a finding.
//   node --import tsx scripts/reliability/fuzz-agent-files.ts [--count 5000] [--seed 7]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../../src/core/create-core';
import { dispatch } from '../../src/core/host/dispatch';
import { createScriptedModel } from '../../src/core/models/scripted-model';

export interface FuzzReport {
  cases: number;
  imported: number;
  rejected: number;
  crashes: number;
  partialImports: number;
  findings: string[];
}

type Rng = () => number;
function rng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}
const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

const HOSTILE_VALUES: unknown[] = [
  null,
  -1,
  1e308,
  '',
  '../../../etc/passwd',
  'x'.repeat(2_000_000),
  { __proto__: { polluted: true } },
  [],
  {},
  true,
  '\u0000\u202e',
  'import os; os.system("rm -rf /")',
];

/** Paths to every value in a JSON tree, capped so huge files stay fast. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (out.length > 4000) return out;
  out.push(prefix);
  if (Array.isArray(value)) value.slice(0, 20).forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    Object.entries(value).forEach(([k, v]) => paths(v, [...prefix, k], out));
  return out;
}

function mutateJson(r: Rng, doc: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    const target = pick(r, all);
    const parent = target.slice(0, -1).reduce<unknown>((o, k) => (o as never)?.[k], copy) as
      Record<string | number, unknown> | undefined;
    if (!parent || typeof parent !== 'object') continue;
    const key = target.at(-1) as string | number;
    const action = r();
    if (action < 0.3) delete parent[key];
    else if (action < 0.8) parent[key] = pick(r, HOSTILE_VALUES);
    else if (Array.isArray(parent[key]))
      (parent[key] as unknown[]).push(...(parent[key] as unknown[]));
    else parent[key] = [parent[key]];
  }
  return copy;
}

function mutateText(r: Rng, text: string): string {
  const action = r();
  if (action < 0.4) return text.slice(0, Math.floor(r() * text.length));
  const chars = [...text];
  for (let n = 1 + Math.floor(r() * 8); n > 0; n--) {
    const at = Math.floor(r() * chars.length);
    chars[at] = String.fromCharCode(Math.floor(r() * 128));
  }
  return chars.join('');
}

async function counts(core: Core) {
  return {
    agents: await core.agents.count(),
    messages: await core.recall.countAll(),
    passages: (await core.archival.count()).total,
  };
}

export async function runFuzz(options: {
  count: number;
  seed?: number;
  examplesDir?: string;
  /** Writes every file that produced a finding here, so it can be replayed. */
  findingsDir?: string;
}) {
  const r = rng(options.seed ?? 7);
  const core = await createCore({ chatModel: createScriptedModel() });
  const report: FuzzReport = {
    cases: 0,
    imported: 0,
    rejected: 0,
    crashes: 0,
    partialImports: 0,
    findings: [],
  };
  try {
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'Hi, my name is Ada');
    await core.runtime.send(agent.id, 'Remember that the key is under the pot');
    const seeds: string[] = [(await core.handlers['agentfile.export']({ agentId: agent.id })).text];
    const examples =
      options.examplesDir ?? path.resolve(import.meta.dirname, '../../../shared/data/af');
    if (fs.existsSync(examples)) {
      for (const name of fs.readdirSync(examples))
        seeds.push(fs.readFileSync(path.join(examples, name), 'utf8'));
    }
    for (let i = 0; i < options.count; i++) {
      const seed = pick(r, seeds);
      let text: string;
      if (r() < 0.6) {
        let doc = JSON.parse(seed) as unknown;
        if (typeof doc === 'string') doc = JSON.parse(doc);
        text = JSON.stringify(mutateJson(r, doc));
      } else text = mutateText(r, seed);
      const before = await counts(core);
      report.cases++;
      const finding = (what: string) => {
        report.findings.push(`case ${i}: ${what}`);
        if (options.findingsDir) {
          fs.mkdirSync(options.findingsDir, { recursive: true });
          fs.writeFileSync(path.join(options.findingsDir, `case-${i}.af`), text);
        }
      };
      let result;
      try {
        result = await dispatch(core.handlers, 'agentfile.import', { text });
      } catch (error) {
        report.crashes++;
        finding(`threw ${(error as Error).message}`);
        continue;
      }
      const after = await counts(core);
      if (result.ok) {
        report.imported++;
        const value = result.value as { messages: number; passages: number };
        if (
          after.agents !== before.agents + 1 ||
          after.messages !== before.messages + value.messages ||
          after.passages !== before.passages + value.passages
        ) {
          report.partialImports++;
          finding(
            `counts do not match the report (before ${JSON.stringify(before)}, after ${JSON.stringify(after)}, reported ${value.messages} messages, ${value.passages} passages)`,
          );
        }
      } else {
        if (result.error.code !== 'AGENT_FILE_INVALID') {
          report.crashes++;
          finding(`${result.error.code}: ${result.error.message.slice(0, 200)}`);
        } else report.rejected++;
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          report.partialImports++;
          finding('a rejected file changed the database');
        }
      }
    }
  } finally {
    await core.dispose();
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '5000' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'findings-dir': { type: 'string' },
    },
  });
  const report = await runFuzz({
    count: Number(values.count),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values['findings-dir'] ? { findingsDir: values['findings-dir'] } : {}),
  });
  const text = JSON.stringify(report, null, 2);
  if (values.out) fs.writeFileSync(values.out, text);
  console.log(text);
  process.exitCode = report.crashes + report.partialImports > 0 ? 1 : 0;
}
