import { MONTH_NAMES as MONTHS } from './dates';

/**
 * Turns the date words of a fact ("yesterday", "next Friday", "two weeks
 * ago", "March 3") into a calendar date, counted from when the message was
 * said. A 1B model is not trusted with calendars: it copies the words, this
 * does the arithmetic. Dates are the local calendar of this computer (the
 * user's), the one every time the model reads is shown in (local-time.ts).
 */
export interface ResolvedDate {
  /** YYYY-MM-DD (day, week: its Monday), YYYY-MM (month) or YYYY (year). */
  date: string;
  precision: 'day' | 'week' | 'month' | 'year';
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  'a few': 3,
  'a couple of': 2,
  'a couple': 2,
  couple: 2,
  few: 3,
  several: 3,
};
const NUMBER = `(\\d{1,3}|${Object.keys(NUMBERS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const MONTH = `(${MONTHS.map((m) => `${m.slice(0, 3)}(?:${m.slice(3)})?`).join('|')})\\.?`;

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date): ResolvedDate => ({
  date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
  precision: 'day',
});
const monthOf = (d: Date): ResolvedDate => ({
  date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}`,
  precision: 'month',
});
const yearOf = (d: Date): ResolvedDate => ({ date: `${d.getFullYear()}`, precision: 'year' });

function addDays(d: Date, days: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}
function addMonths(d: Date, months: number): Date {
  // Day 1: "a month ago" on the 31st must not roll into the wrong month.
  return new Date(d.getFullYear(), d.getMonth() + months, 1);
}
function mondayOf(d: Date): Date {
  return addDays(d, -((d.getDay() + 6) % 7));
}
function count(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : (NUMBERS[word] ?? 1);
}
function monthIndex(word: string): number {
  return MONTHS.findIndex((m) => m.startsWith(word.slice(0, 3)));
}

/** A month (and day) without a year: the occurrence nearest to when it was said. */
function nearestYear(said: Date, month: number, day: number): number {
  const year = said.getFullYear();
  const candidates = [year - 1, year, year + 1];
  const distance = (y: number) => Math.abs(new Date(y, month, day).getTime() - said.getTime());
  return candidates.reduce((best, y) => (distance(y) < distance(best) ? y : best));
}

function shift(said: Date, n: number, unit: string): ResolvedDate {
  if (unit.startsWith('day')) return dayOf(addDays(said, n));
  if (unit.startsWith('week')) return dayOf(addDays(said, 7 * n));
  if (unit.startsWith('month')) return monthOf(addMonths(said, n));
  return yearOf(new Date(said.getFullYear() + n, 0, 1));
}

/**
 * The date an expression names, counted from `said` (the message's time);
 * null when it names none. "next Friday" is the first Friday after the day
 * it was said, "last Friday" the last one before; a bare weekday is the
 * most recent one (facts are mostly told after the fact).
 */
export function resolveDate(
  expression: string | null | undefined,
  said: Date,
): ResolvedDate | null {
  return findDate(expression, said)?.resolved ?? null;
}

/** A date named in a text: what it resolves to, and the words that named it (lower case). */
export interface FoundDate {
  resolved: ResolvedDate;
  words: string;
}

/**
 * The first date a text names (see resolveDate), with the words naming it,
 * so a caller can tell them from the rest of the text.
 */
export function findDate(expression: string | null | undefined, said: Date): FoundDate | null {
  if (!expression) return null;
  const text = ` ${expression
    .toLowerCase()
    .replace(/[,?!;]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
  let m: RegExpExecArray | null = null;
  const has = (pattern: string) => (m = new RegExp(pattern).exec(text));
  const found = (resolved: ResolvedDate): FoundDate => ({
    resolved,
    words: (m?.[0] ?? '').trim(),
  });

  m = has(String.raw`\b(\d{4})-(\d{2})-(\d{2})\b`);
  if (m) return found(dayOf(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
  m = has(String.raw`\b(\d{4})-(\d{2})\b`);
  if (m) return found(monthOf(new Date(Number(m[1]), Number(m[2]) - 1, 1)));

  if (has(String.raw`\bday before yesterday\b`)) return found(dayOf(addDays(said, -2)));
  if (has(String.raw`\bday after tomorrow\b`)) return found(dayOf(addDays(said, 2)));
  if (has(String.raw`\b(yesterday|last night)\b`)) return found(dayOf(addDays(said, -1)));
  if (has(String.raw`\btomorrow\b`)) return found(dayOf(addDays(said, 1)));
  if (has(String.raw`\b(today|tonight|this (morning|afternoon|evening)|right now|now)\b`))
    return found(dayOf(said));

  m = has(String.raw`\b${NUMBER} (days?|weeks?|months?|years?) ago\b`);
  if (m) return found(shift(said, -count(m[1] as string), m[2] as string));
  m = has(String.raw`\bin ${NUMBER} (days?|weeks?|months?|years?)\b`);
  if (m) return found(shift(said, count(m[1] as string), m[2] as string));

  m = has(String.raw`\b(last|next|this|coming|past)? ?(${WEEKDAYS.join('|')})\b`);
  if (m) {
    const target = WEEKDAYS.indexOf(m[2] as string);
    const today = said.getDay();
    const which = m[1];
    if (which === 'next' || which === 'coming' || which === 'this') {
      const ahead = (target - today + 7) % 7 || 7;
      return found(dayOf(addDays(said, which === 'this' && target === today ? 0 : ahead)));
    }
    const back = (today - target + 7) % 7 || 7;
    return found(dayOf(addDays(said, which === undefined && target === today ? 0 : -back)));
  }

  m = has(String.raw`\b(last|next|this|past|coming) (week|weekend|month|year)\b`);
  if (m) {
    const step = m[1] === 'last' || m[1] === 'past' ? -1 : m[1] === 'this' ? 0 : 1;
    switch (m[2]) {
      case 'week':
        return found({ date: dayOf(mondayOf(addDays(said, 7 * step))).date, precision: 'week' });
      case 'weekend': {
        // Saturday of this week's weekend; a weekend day belongs to its own.
        const saturday = addDays(mondayOf(said), 5);
        const onWeekend = said.getDay() === 0 || said.getDay() === 6;
        if (step < 0) return found(dayOf(addDays(saturday, -7)));
        return found(dayOf(step > 0 && onWeekend ? addDays(saturday, 7) : saturday));
      }
      case 'month':
        return found(monthOf(addMonths(said, step)));
      default:
        return found(yearOf(new Date(said.getFullYear() + step, 0, 1)));
    }
  }

  // "March 3", "March 3rd 2025", "3 March", "the 3rd of March 2025"
  m = has(String.raw`\b${MONTH} (\d{1,2})(?:st|nd|rd|th)?\b(?: (\d{4})\b)?`);
  if (m) {
    const month = monthIndex(m[1] as string);
    const day = Number(m[2]);
    const year = m[3] ? Number(m[3]) : nearestYear(said, month, day);
    if (day >= 1 && day <= 31) return found(dayOf(new Date(year, month, day)));
  }
  m = has(String.raw`\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?${MONTH}(?: (\d{4}))?\b`);
  if (m) {
    const month = monthIndex(m[2] as string);
    const day = Number(m[1]);
    const year = m[3] ? Number(m[3]) : nearestYear(said, month, day);
    if (day >= 1 && day <= 31) return found(dayOf(new Date(year, month, day)));
  }
  const named = has(String.raw`\b${MONTH}(?: (?:of )?(\d{4}))?\b`);
  if (named && (named[2] || has(String.raw`\b(in|since|during|until|last|next|this) ${MONTH}`))) {
    const month = monthIndex(named[1] as string);
    const year = named[2] ? Number(named[2]) : nearestYear(said, month, 15);
    return found(monthOf(new Date(year, month, 1)));
  }
  m = has(String.raw`\b(19\d{2}|20\d{2})\b`);
  if (m) return found(yearOf(new Date(Number(m[1]), 0, 1)));
  return null;
}

/** How a resolved date is written after a fact: "2026-03-04", "week of 2026-03-02", "2026-03". */
export function formatResolved(resolved: ResolvedDate): string {
  return resolved.precision === 'week' ? `week of ${resolved.date}` : resolved.date;
}

/** The moment a resolved date starts, as an ISO timestamp (local midnight). */
export function resolvedStart(resolved: ResolvedDate): string {
  const [y, mo = 1, d = 1] = resolved.date.split('-').map(Number) as [number, number?, number?];
  return new Date(y, mo - 1, d).toISOString();
}
