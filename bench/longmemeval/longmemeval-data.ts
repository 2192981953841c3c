import fs from 'node:fs';
import { findDataFile } from '../data-files';
import { seededRandom } from '../stats';
import type { Haystack, Turn } from '../retrieval/dataset';

/** Where the LongMemEval dev split lives on the development machines; never copied into the repo. */
export const DEFAULT_LONGMEMEVAL_PATH = findDataFile('longmemeval_dev.json');

export const QUESTION_TYPES = [
  'single-session-user',
  'single-session-assistant',
  'single-session-preference',
  'multi-session',
  'knowledge-update',
  'temporal-reasoning',
] as const;

export interface RawLongMemEvalTurn {
  role: 'user' | 'assistant';
  content: string;
  has_answer?: boolean;
}

export interface RawLongMemEvalQuestion {
  question_id: string;
  question_type: string;
  question: string;
  question_date?: string;
  haystack_dates: string[];
  haystack_session_ids: string[];
  haystack_sessions: RawLongMemEvalTurn[][];
}

interface Session {
  id: string;
  /** ISO */
  at: string;
  turns: RawLongMemEvalTurn[];
}

/** LongMemEval writes times as "2023/05/21 (Sun) 19:50"; read them as UTC. */
export function parseLongMemEvalDate(text: string): string {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})(?:\s*\(\w+\))?\s+(\d{1,2}):(\d{2})/.exec(text.trim());
  if (!match) throw new Error(`Unrecognised LongMemEval date: "${text}"`);
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  return new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi)).toISOString();
}

function sessionsOf(raw: RawLongMemEvalQuestion): Session[] {
  return raw.haystack_sessions.map((turns, i) => ({
    id: raw.haystack_session_ids[i] ?? `${raw.question_id}-${i}`,
    at: parseLongMemEvalDate(raw.haystack_dates[i] ?? raw.haystack_dates[0] ?? ''),
    turns,
  }));
}

/**
 * One haystack from sessions in date order. Turn ids are session id and
 * turn index; evidence is the question's own turns marked has_answer (a
 * distractor session's has_answer belongs to another question). Turns of a
 * session are a second apart, so their order survives storage.
 */
function toHaystack(raw: RawLongMemEvalQuestion, sessions: Session[], own: Set<string>): Haystack {
  const ordered = [...sessions].sort(
    (a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id),
  );
  const turns: Turn[] = [];
  const evidence: string[] = [];
  for (const session of ordered) {
    const start = Date.parse(session.at);
    session.turns.forEach((turn, i) => {
      const id = `${session.id}:${i}`;
      turns.push({
        id,
        role: turn.role === 'assistant' ? 'assistant' : 'user',
        text: turn.content,
        at: new Date(start + i * 1000).toISOString(),
      });
      if (turn.has_answer && own.has(session.id)) evidence.push(id);
    });
  }
  return {
    id: raw.question_id,
    turns,
    queries: evidence.length > 0 ? [{ text: raw.question, kind: raw.question_type, evidence }] : [],
  };
}

/** Each question's own (oracle) sessions: what a new user's small memory looks like. */
export function oracleHaystacks(raws: readonly RawLongMemEvalQuestion[]): Haystack[] {
  return raws.map((raw) => {
    const sessions = sessionsOf(raw);
    return toHaystack(raw, sessions, new Set(sessions.map((s) => s.id)));
  });
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Each question's sessions plus sessions of other questions drawn with a
 * seed fixed per question, up to `sessions` in all (about 460 turns at 40,
 * like LongMemEval's S setting), interleaved by date.
 */
export function paddedHaystacks(
  raws: readonly RawLongMemEvalQuestion[],
  sessions = 40,
): Haystack[] {
  const pool = raws.flatMap((raw) => sessionsOf(raw).map((s) => ({ owner: raw.question_id, s })));
  return raws.map((raw) => {
    const own = sessionsOf(raw);
    const ownIds = new Set(own.map((s) => s.id));
    const random = seededRandom(seedOf(raw.question_id));
    const candidates = pool.filter((p) => p.owner !== raw.question_id && !ownIds.has(p.s.id));
    const picked: Session[] = [];
    const taken = new Set<string>(ownIds);
    while (own.length + picked.length < sessions && candidates.length > 0) {
      const [choice] = candidates.splice(Math.floor(random() * candidates.length), 1);
      if (!choice || taken.has(choice.s.id)) continue;
      taken.add(choice.s.id);
      picked.push(choice.s);
    }
    return toHaystack(raw, [...own, ...picked], ownIds);
  });
}

export function loadLongMemEval(file = DEFAULT_LONGMEMEVAL_PATH): RawLongMemEvalQuestion[] {
  if (!fs.existsSync(file)) {
    throw new Error(
      `LongMemEval not found at ${file}. Pass --longmemeval <path to longmemeval_dev.json> (it is not shipped in the repo).`,
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RawLongMemEvalQuestion[];
}
