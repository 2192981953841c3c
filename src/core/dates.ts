/**
 * Timestamps Locus stores: what Postgres's timestamptz and every host can
 * represent and round-trip as ISO text (years 1 to 9999). JavaScript accepts
 * years up to 275760 and rolls impossible days over (2026-02-30 became
 * March 2), which reached Postgres as INTERNAL errors or wrong dates
 * (issue 22, item 11).
 */
export const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
export const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** English month names, lower case, January first (for parsing dates written out). */
export const MONTH_NAMES: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const ISO_DATE = /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?=$|[T ])/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 31);
}

/** Why a date string is refused, or null when it is a real date in range. */
export function dateProblem(value: string): string | null {
  const text = value.trim();
  const parts = ISO_DATE.exec(text);
  if (parts) {
    const year = Number(parts[1]);
    const month = Number(parts[2]);
    const day = Number(parts[3]);
    if (month < 1 || month > 12) return `there is no month ${parts[2]}`;
    if (day < 1 || day > daysIn(year, month)) {
      return `${text.slice(0, 7)} has no day ${parts[3]}`;
    }
  }
  const time = Date.parse(text);
  if (Number.isNaN(time)) return 'it is not a date';
  if (time < MIN_TIME || time > MAX_TIME) return 'it is outside the years 1 to 9999';
  return null;
}

/** The time a date string names, or null if it is not a real date in range. */
export function parseTimestamp(value: string | null | undefined): Date | null {
  if (value == null || dateProblem(value) !== null) return null;
  return new Date(Date.parse(value.trim()));
}
