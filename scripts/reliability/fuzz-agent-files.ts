// Mutation fuzzing of agent-file import: valid files (a Locus export and, when
// present, Letta's examples) are mutated thousands of ways and imported into
// one core. Every import must either succeed and add exactly what it reports,
// or fail with AGENT_FILE_INVALID and change nothing; an imported agent must
// survive its own export and re-import, and a key planted in a tool record
// must not come out of the export. Anything else is a finding.
//   node --import tsx scripts/reliability/fuzz-agent-files.ts [--count 5000] [--seed 7] [--examples ../shared/data/af]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAgentFileBytes } from '../../src/shared/decode-agent-file';
import { createCore, type Core } from '../../src/core/create-core';
import { dispatch } from '../../src/core/host/dispatch';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { seededIntegers } from './seeded';

export interface FuzzReport {
  cases: number;
  imported: number;
  rejected: number;
  crashes: number;
  partialImports: number;
  /** Imported files whose export, imported again, failed or lost messages or passages. */
  brokenRoundTrips: number;
  /** A planted key that came out of an export. */
  leakedSecrets: number;
  findings: string[];
}

type Rng = () => number;
function rng(seed: number): Rng {
  const next = seededIntegers(seed);
  return () => next() / 0x100000000;
}
const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

/**
 * Stands for JSON nested thousands deep: JSON.stringify itself overflows on
 * such a value, so the text is spliced in after stringifying.
 */
const DEEP = '\u0001deep-nesting\u0001';
const DEEP_TEXT = `${'[{"a":'.repeat(2500)}0${'}]'.repeat(2500)}`;

/** JSON nested `depth` deep (shallow enough to stringify). */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? { deeper: value } : [value];
  return value;
}

/** ~1 MB of distinct words: more than Postgres's full-text index takes in one text. */
function untokenizable(): string {
  const words: string[] = [];
  for (let i = 0, n = 0; n < 1_000_000; i++) {
    words.push(`w${i.toString(36)}x`);
    n += (words.at(-1) as string).length + 1;
  }
  return words.join(' ').slice(0, 1_000_000);
}

/** A key that must never leave Locus once it is in a tool record (see the secret check). */
export const PLANTED_SECRET = 'sk-live-FUZZPLANTED0123456789abcdef';

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
  // Added for issue 22: deep nesting, dates outside Postgres's range or the
  // calendar, text over the full-text limit, prototype names, bidi controls.
  DEEP,
  nested(150),
  '-200000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-02-30T10:00:00Z',
  '0000-00-00',
  untokenizable(),
  'constructor',
  '__proto__',
  'toString',
  'Invoice\u202Efdp.exe\u2066\u200b',
];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

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
    else if (action < 0.72) parent[key] = pick(r, HOSTILE_VALUES);
    else if (action < 0.8 && !Array.isArray(parent)) {
      // The same value under a prototype name: it must stay plain data.
      Object.defineProperty(parent, pick(r, PROTOTYPE_KEYS), {
        value: parent[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      delete parent[key];
    } else if (Array.isArray(parent[key]))
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

/** Adds a custom tool whose record carries a key in the places secrets hide. */
function plantSecretTool(r: Rng, doc: Record<string, unknown>): void {
  const agents = doc.agents as Array<Record<string, unknown>> | undefined;
  const agent = agents?.[0];
  if (!agent || typeof agent !== 'object' || !Array.isArray(doc.tools)) return;
  const id = `tool-fuzz-${Math.floor(r() * 1e9)}`;
  const places: Array<Record<string, unknown>> = [
    { source_code: `API_KEY = "${PLANTED_SECRET}"\ndef f():\n    return 1\n` },
    { tool_exec_environment_variables: [{ key: 'SERVICE_KEY', value: PLANTED_SECRET }] },
    { metadata_: { api_key: PLANTED_SECRET } },
    {
      json_schema: {
        name: 'f',
        parameters: { properties: { token: { type: 'string', default: PLANTED_SECRET } } },
      },
    },
    { description: `Uses Bearer ${PLANTED_SECRET} to call out.` },
  ];
  doc.tools.push({
    id,
    name: `fuzz_tool_${id.slice(-4)}`,
    tool_type: 'custom',
    ...pick(r, places),
  });
  // A mutation may have made tool_ids anything; the planted tool is still listed.
  agent.tool_ids = [...(Array.isArray(agent.tool_ids) ? agent.tool_ids : []), id];
}

/** The file's bytes in another encoding, as a Windows editor might save it. */
function reencode(r: Rng, text: string): Uint8Array {
  const withAccents = text.replace(/"name":\s*"([^"]*)"/, '"name": "$1 José Müller"');
  const choice = r();
  if (choice < 0.34)
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(withAccents)]);
  if (choice < 0.67) {
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(withAccents, 'utf16le')]);
  }
  // Latin-1 can only hold what it can: the fuzz seeds are ASCII plus the name.
  return Buffer.from(withAccents, 'latin1');
}

/** Exports an imported agent and imports the export again: Locus must read what it writes. */
async function roundTrip(core: Core, agentId: string) {
  const exported = await dispatch(core.handlers, 'agentfile.export', { agentId });
  if (!exported.ok) return { exported: '', problem: `export failed: ${exported.error.code}` };
  const text = (exported.value as { text: string }).text;
  const before = {
    messages: await core.recall.count(agentId),
    passages: (await core.archival.count(agentId)).total,
  };
  const again = await dispatch(core.handlers, 'agentfile.import', { text });
  if (!again.ok)
    return {
      exported: text,
      problem: `re-import failed: ${again.error.code} ${again.error.message.slice(0, 120)}`,
    };
  const value = again.value as { messages: number; passages: number };
  const problem =
    value.messages !== before.messages || value.passages !== before.passages
      ? `re-import has ${value.messages} messages and ${value.passages} passages, the agent ${before.messages} and ${before.passages}`
      : null;
  return { exported: text, problem };
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
    brokenRoundTrips: 0,
    leakedSecrets: 0,
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
      let planted = false;
      const kind = r();
      if (kind < 0.55) {
        let doc = JSON.parse(seed) as unknown;
        if (typeof doc === 'string') doc = JSON.parse(doc);
        const mutated = mutateJson(r, doc) as Record<string, unknown>;
        if (r() < 0.2) {
          plantSecretTool(r, mutated);
          planted = true;
        }
        text = JSON.stringify(mutated).replaceAll(JSON.stringify(DEEP), DEEP_TEXT);
      } else if (kind < 0.65) {
        // Encodings: what the CLI reads from disk (decodeAgentFileBytes).
        text = decodeAgentFileBytes(reencode(r, seed)).text;
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
        const value = result.value as { agentId: string; messages: number; passages: number };
        if (planted || report.imported % 5 === 0) {
          const trip = await roundTrip(core, value.agentId);
          if (planted && trip.exported.includes(PLANTED_SECRET)) {
            report.leakedSecrets++;
            finding('a key planted in a tool record came out of the export');
          }
          if (trip.problem) {
            report.brokenRoundTrips++;
            finding(`Locus's own round trip broke: ${trip.problem}`);
          }
        }
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
      /** Letta's example files (default: ../shared/data/af beside the repository). */
      examples: { type: 'string' },
    },
  });
  const report = await runFuzz({
    count: Number(values.count),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values['findings-dir'] ? { findingsDir: values['findings-dir'] } : {}),
    ...(values.examples ? { examplesDir: path.resolve(values.examples) } : {}),
  });
  const text = JSON.stringify(report, null, 2);
  if (values.out) fs.writeFileSync(values.out, text);
  console.log(text);
  process.exitCode =
    report.crashes + report.partialImports + report.brokenRoundTrips + report.leakedSecrets > 0
      ? 1
      : 0;
}
