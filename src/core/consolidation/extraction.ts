import { z } from 'zod';
import type { Passage } from '../../shared/entities';
import type { ChatTurn } from '../models/chat-model';
import type { SaidMessage } from '../storage/repos/consolidation-repo';
import { storable } from '../text';

/** Facts one pass may return; a batch of a few messages rarely holds more. */
export const MAX_FACTS = 6;
export const FACT_ABOUT = ['user', 'assistant', 'world'] as const;

/** One fact as the model returns it; dates and corrections are resolved in code. */
export interface ExtractedFact {
  /** 1-based number of the message it comes from. */
  message: number;
  about: (typeof FACT_ABOUT)[number];
  text: string;
  /** The date words as said ("yesterday", "next Friday"), or null. */
  when: string | null;
  /** "L2" (a line of what is known about the user) or "P1" (a stored fact), or null. */
  corrects: string | null;
}

/** What the model sees of one pass. */
export interface ExtractionInput {
  messages: SaidMessage[];
  /** Lines of the human block, shown as L1, L2, … */
  lines: string[];
  /** Stored facts that may be corrected, shown as P1, P2, … */
  passages: Passage[];
}

const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });

/**
 * The grammar the reply must follow. The message number and whom the fact
 * is about come first, so a small model anchors the fact before writing it.
 */
export const EXTRACTION_SCHEMA = {
  type: 'object',
  properties: {
    facts: {
      type: 'array',
      maxItems: MAX_FACTS,
      items: {
        type: 'object',
        properties: {
          message: { type: 'integer' },
          about: { enum: [...FACT_ABOUT] },
          text: { type: 'string' },
          when: nullable({ type: 'string' }),
          corrects: nullable({ type: 'string' }),
        },
      },
    },
  },
} as const;

/** Short and concrete, with one worked example: written for 1-4B models. */
export const EXTRACTION_INSTRUCTIONS = `Task: pick out facts worth remembering from the new messages below.
- Keep lasting facts: names, people, places, work, likes and dislikes, plans, events, health, things they own.
- Skip greetings, questions, small talk and anything already known.
- One short fact per item, in the third person: "Has a sister named Lena".
- about: "user" (about the user), "assistant" (about you), or "world" (anything else).
- when: the date words exactly as said ("yesterday", "next Friday", "in May"), or null.
- corrects: the id of a known fact this one makes out of date ("L2" or "P1"), or null.
- message: the number of the message the fact is in.
Reply with JSON only. If there is nothing new, reply {"facts": []}.

Example:
Known about the user:
L1: Lives in Paris
New messages:
M1 [2026-03-04 Wed] user: We moved to Berlin last week! My daughter Mia starts school tomorrow.
M2 [2026-03-04 Wed] assistant: Congratulations on the move!
Reply: {"facts": [{"message": 1, "about": "user", "text": "Lives in Berlin", "when": "last week", "corrects": "L1"}, {"message": 1, "about": "user", "text": "Daughter Mia starts school", "when": "tomorrow", "corrects": null}]}`;

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A message time as the prompt shows it: the local date and weekday (what dates are counted from). */
export function promptDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${WEEKDAY[d.getDay()]}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The task as the user turn of the request. */
export function extractionTask(input: ExtractionInput): string {
  const known = [
    'Known about the user:',
    ...(input.lines.length > 0 ? input.lines.map((l, i) => `L${i + 1}: ${l}`) : ['(nothing yet)']),
    ...(input.passages.length > 0
      ? ['Other stored facts:', ...input.passages.map((p, i) => `P${i + 1}: ${oneLine(p.text)}`)]
      : []),
  ];
  const messages = input.messages.map(
    (m, i) => `M${i + 1} [${promptDate(m.createdAt)}] ${m.role}: ${oneLine(m.text)}`,
  );
  return [...known, 'New messages:', ...messages].join('\n');
}

/**
 * The request's turns. With the agent's own system turn first, the model's
 * KV cache of the last chat step still matches it, so the pass evaluates
 * only its task and the next chat step only what follows the system turn
 * (the summarizer does the same).
 */
export function extractionTurns(input: ExtractionInput, agentSystem?: string): ChatTurn[] {
  const task = extractionTask(input);
  return agentSystem
    ? [
        { role: 'system', content: agentSystem },
        { role: 'user', content: `[system notice] ${EXTRACTION_INSTRUCTIONS}\n\n${task}` },
      ]
    : [
        { role: 'system', content: EXTRACTION_INSTRUCTIONS },
        { role: 'user', content: task },
      ];
}

const FactSchema = z.object({
  message: z.number().int().nullish(),
  about: z.enum(FACT_ABOUT).catch('user'),
  text: z.string(),
  when: z.string().nullish(),
  corrects: z.string().nullish(),
});

/** Reads the model's reply; malformed items are dropped, never guessed at. */
export function parseExtraction(text: string, messageCount: number): ExtractedFact[] {
  let value: unknown;
  try {
    value = storable(JSON.parse(text));
  } catch {
    return [];
  }
  const items = (value as { facts?: unknown } | null)?.facts;
  if (!Array.isArray(items)) return [];
  const facts: ExtractedFact[] = [];
  for (const item of items.slice(0, MAX_FACTS)) {
    const parsed = FactSchema.safeParse(item);
    if (!parsed.success) continue;
    const factText = oneLine(parsed.data.text);
    if (factText.length < 3) continue;
    const n = parsed.data.message ?? 0;
    facts.push({
      message: n >= 1 && n <= messageCount ? n : 0,
      about: parsed.data.about,
      text: factText.slice(0, 300),
      when: parsed.data.when?.trim() || null,
      corrects: parsed.data.corrects?.trim().toUpperCase() || null,
    });
  }
  return facts;
}
