/**
 * The instants a From/To pair of days names, as days of this machine's (or
 * browser's) time zone, To included: the app, the CLI and the model's
 * prompts show times in local time (local-time.ts), so a day asked for must
 * be that local day. Sent as UTC days, a search for the 2nd in Auckland
 * showed a message dated the 3rd and hid one dated the 2nd. Midnight is
 * found by the calendar, so a day across a DST change is whole. A date with
 * a time passes through as written.
 */
export function localDayRange(start: string, end: string): { start?: string; end?: string } {
  return {
    ...(start ? { start: localMidnight(start, 0) } : {}),
    ...(end ? { end: localMidnight(end, 1) } : {}),
  };
}

/**
 * A model's From/To search bounds (an agent tool's, an MCP client's) as
 * local days: the days its results show. As UTC days, "yesterday" in
 * Auckland searched from 13:00 the day before. Two days in the wrong order
 * go as written, so the core's refusal quotes the dates the model wrote.
 */
export function localDayBounds(from = '', to = ''): { start?: string; end?: string } {
  const [start, end] = [from.trim(), to.trim()];
  const plainDay = /^\d{4}-\d{2}-\d{2}$/;
  if (plainDay.test(start) && plainDay.test(end) && start > end) return { start, end };
  return localDayRange(start, end);
}

/** Local midnight `plusDays` after a YYYY-MM-DD day, as ISO; other text passes through (the core refuses it). */
function localMidnight(day: string, plusDays: number): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!parts) return day;
  const [year, month, date] = [Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])];
  const midnight = new Date(2000, 0, 1);
  // setFullYear, not the constructor: it maps years 0-99 to 1900-1999.
  midnight.setFullYear(year, month, date);
  // A day the calendar lacks (02-30) would roll over: the core refuses it instead.
  if (midnight.getMonth() !== month || midnight.getDate() !== date) return day;
  midnight.setDate(date + plusDays);
  midnight.setHours(0, 0, 0, 0);
  return Number.isNaN(midnight.getTime()) ? day : midnight.toISOString();
}
