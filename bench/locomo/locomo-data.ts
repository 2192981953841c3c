import fs from 'node:fs';
import { findDataFile } from '../data-files';
import type { Haystack } from '../retrieval/dataset';
import { MONTH_NAMES as MONTHS } from '../../src/core/dates';

/** Where LoCoMo lives on the development machines; never copied into the repo. */
export const DEFAULT_LOCOMO_PATH = findDataFile('locomo10.json');

export const CATEGORY_NAMES: Record<number, string> = {
  1: 'multi-hop',
  2: 'temporal',
  3: 'open-domain',
  4: 'single-hop',
};

export interface Turn {
  diaId: string;
  speaker: string;
  /** What gets stored: "Speaker: words", with a shared photo's caption. */
  text: string;
  /** The session's date and time, ISO. */
  at: string;
}

export interface Question {
  question: string;
  category: number;
  /** The turns that hold the answer; only ids that exist in the conversation. */
  evidence: string[];
}

export interface Conversation {
  id: string;
  turns: Turn[];
  questions: Question[];
  /** Evidence references that named no turn of the conversation (typos in the dataset). */
  droppedEvidence: number;
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text?: string;
  blip_caption?: string;
}

interface RawSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: Array<{ question: string; category: number; evidence?: unknown[] }>;
}

/** LoCoMo writes session times as "1:56 pm on 8 May, 2023"; read them as UTC. */
export function parseSessionTime(text: string): string {
  const match = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(
    text,
  );
  if (!match) throw new Error(`Unrecognised LoCoMo session time: "${text}"`);
  const [, h, m, ampm, day, monthName, year] = match as unknown as string[];
  const month = MONTHS.indexOf((monthName as string).toLowerCase());
  if (month < 0) throw new Error(`Unrecognised month in LoCoMo session time: "${text}"`);
  let hour = Number(h) % 12;
  if ((ampm as string).toLowerCase() === 'pm') hour += 12;
  return new Date(Date.UTC(Number(year), month, Number(day), hour, Number(m))).toISOString();
}

/**
 * The dataset's evidence lists contain a few typos ("D8:6; D9:17", "D:11:26",
 * "D30:05"); repair what is unambiguous, keep only ids of real turns.
 */
export function normalizeEvidence(raw: readonly unknown[], known: ReadonlySet<string>) {
  const kept: string[] = [];
  let dropped = 0;
  for (const entry of raw) {
    for (const piece of String(entry).split(/[;,\s]+/)) {
      if (!piece) continue;
      const match = /^D:?(\d+):0*(\d+)$/.exec(piece);
      const id = match ? `D${match[1]}:${match[2]}` : piece;
      if (known.has(id)) {
        if (!kept.includes(id)) kept.push(id);
      } else {
        dropped++;
      }
    }
  }
  return { kept, dropped };
}

export function parseConversation(sample: RawSample): Conversation {
  const turns: Turn[] = [];
  const sessions = Object.keys(sample.conversation)
    .map((key) => /^session_(\d+)$/.exec(key))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  for (const n of sessions) {
    const raw = sample.conversation[`session_${n}`] as RawTurn[];
    const at = parseSessionTime(String(sample.conversation[`session_${n}_date_time`]));
    for (const turn of raw) {
      const words = (turn.text ?? '').trim();
      const photo = turn.blip_caption ? ` [shares a photo: ${turn.blip_caption}]` : '';
      turns.push({
        diaId: turn.dia_id,
        speaker: turn.speaker,
        text: `${turn.speaker}: ${words}${photo}`,
        at,
      });
    }
  }
  const known = new Set(turns.map((t) => t.diaId));
  let droppedEvidence = 0;
  const questions: Question[] = [];
  for (const qa of sample.qa) {
    if (!(qa.category in CATEGORY_NAMES)) continue;
    const { kept, dropped } = normalizeEvidence(qa.evidence ?? [], known);
    droppedEvidence += dropped;
    if (kept.length > 0)
      questions.push({ question: qa.question, category: qa.category, evidence: kept });
  }
  return { id: sample.sample_id, turns, questions, droppedEvidence };
}

export function loadLocomo(file = DEFAULT_LOCOMO_PATH): Conversation[] {
  if (!fs.existsSync(file)) {
    throw new Error(
      `LoCoMo not found at ${file}. Pass --locomo <path to locomo10.json> (it is not shipped in the repo).`,
    );
  }
  const samples = JSON.parse(fs.readFileSync(file, 'utf8')) as RawSample[];
  return samples.map(parseConversation);
}

/**
 * A conversation as a retrieval haystack: the first speaker is the user, the
 * other the assistant (so recall search sees both roles), turn ids are dia_ids.
 */
export function toHaystack(conversation: Conversation): Haystack {
  const first = conversation.turns[0]?.speaker;
  return {
    id: conversation.id,
    turns: conversation.turns.map((t) => ({
      id: t.diaId,
      role: t.speaker === first ? 'user' : 'assistant',
      text: t.text,
      at: t.at,
    })),
    queries: conversation.questions.map((q) => ({
      text: q.question,
      kind: CATEGORY_NAMES[q.category] ?? String(q.category),
      evidence: q.evidence,
    })),
  };
}
