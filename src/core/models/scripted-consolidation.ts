import type { GenerateRequest } from './chat-model';

/** One rule of the demo extractor: a sentence pattern, the fact it makes, the line it corrects. */
interface Rule {
  pattern: RegExp;
  fact: (m: RegExpExecArray) => string;
  /** Known lines starting with this are what the fact corrects. */
  key: (m: RegExpExecArray) => string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

const RULES: Rule[] = [
  {
    pattern: /\bmy name is (\w+)/i,
    fact: (m) => `Name: ${m[1]}`,
    key: () => 'Name:',
  },
  {
    pattern: /\bi (?:now )?(?:live|moved|have moved|am moving|relocated) (?:in|to) ([\w .'-]+)/i,
    fact: (m) => `Lives in ${clean(m[1] as string)}`,
    key: () => 'Lives in',
  },
  {
    pattern:
      /\bmy (sister|brother|wife|husband|partner|daughter|son|mother|father|mom|dad|friend|boss|dog|cat)(?:'s name)? is (?:called |named )?(\w+)/i,
    fact: (m) => `${cap((m[1] as string).toLowerCase())}: ${m[2]}`,
    key: (m) => `${cap((m[1] as string).toLowerCase())}:`,
  },
  {
    pattern: /\bi work (at|for|as) ([\w .'&-]+)/i,
    fact: (m) => `Works ${(m[1] as string).toLowerCase()} ${clean(m[2] as string)}`,
    key: () => 'Works ',
  },
  {
    pattern: /\bi(?: really)? (like|love|enjoy|hate|prefer|dislike) ([\w .,'-]+)/i,
    fact: (m) => `${cap((m[1] as string).toLowerCase())}s ${clean(m[2] as string)}`,
    key: (m) => `${cap((m[1] as string).toLowerCase())}s ${clean(m[2] as string)}`,
  },
  {
    pattern: /\bi(?:'m| am) allergic to ([\w .,'-]+)/i,
    fact: (m) => `Allergic to ${clean(m[1] as string)}`,
    key: () => 'Allergic to',
  },
  {
    pattern: /\bi (went to|visited|saw|met|started|finished|bought) ([\w .,'-]+)/i,
    fact: (m) => `${cap((m[1] as string).toLowerCase())} ${clean(m[2] as string)}`,
    key: (m) => `${cap((m[1] as string).toLowerCase())} ${clean(m[2] as string)}`,
  },
];

const DATE_WORDS =
  /\b(yesterday|today|tonight|tomorrow|last (?:week|month|year|weekend|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|next (?:week|month|year|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\w+ (?:days|weeks|months|years) ago|in \w+ (?:days|weeks|months))\b/i;

/**
 * A question about the user ("Did I live in Leeds?") holds the same words as
 * the statement but asserts nothing; read as one, it corrected the known line.
 */
const QUESTION = /\?\s*$|^\W*(?:did|do|does|am|was|have|had|can|could|should|would|will)\s+i\b/i;

/** Strips the date words and trailing filler from an extracted phrase. */
function trimPhrase(text: string): string {
  return clean(text.replace(DATE_WORDS, '').replace(/\b(and|but|so|because)\b.*$/i, '')).replace(
    /[\s.,;:!?]+$/,
    '',
  );
}

/**
 * The scripted model's consolidation: a few sentence patterns stand in for a
 * language model's reading, so tests and the demo exercise the whole pipeline
 * (corrections of known lines, dates left as words for the code to resolve).
 */
export function scriptedConsolidation(request: GenerateRequest): { facts: unknown[] } {
  const turn = request.turns.at(-1)?.content ?? '';
  // The task follows the instructions' worked example, which has the same shape.
  const task = turn.slice(Math.max(0, turn.lastIndexOf('Known about the user:')));
  const known = [...task.matchAll(/^L(\d+): (.*)$/gm)].map((m) => ({ id: `L${m[1]}`, text: m[2] }));
  const facts: unknown[] = [];
  for (const m of task.matchAll(/^M(\d+) \[[^\]]*\] user: (.*)$/gm)) {
    const message = Number(m[1]);
    for (const sentence of (m[2] as string).split(/(?<=[.!?])\s+/)) {
      if (QUESTION.test(sentence)) continue;
      for (const rule of RULES) {
        const match = rule.pattern.exec(sentence);
        if (!match) continue;
        const trimmed = match.map((part) => (part === undefined ? part : trimPhrase(part)));
        const text = rule.fact(trimmed as unknown as RegExpExecArray);
        const key = rule.key(trimmed as unknown as RegExpExecArray);
        const corrected = known.find((k) => k.text?.startsWith(key) && k.text !== text);
        facts.push({
          message,
          about: 'user',
          text,
          when: DATE_WORDS.exec(sentence)?.[1] ?? null,
          corrects: corrected?.id ?? null,
        });
        break;
      }
      const note = /^(?:fyi|note)[:,]? (.+)$/i.exec(sentence.trim());
      if (note)
        facts.push({
          message,
          about: 'world',
          text: trimPhrase(note[1] as string),
          when: null,
          corrects: null,
        });
    }
  }
  return { facts: facts.slice(0, 6) };
}
