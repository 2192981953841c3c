/**
 * Instants as the user and the model read them: in this machine's (or the
 * browser's) time zone, the zone dates are resolved in ("yesterday" in
 * resolve-date.ts, surfacing's time window, the app's and CLI's day
 * filters). Shown in UTC, a user in Auckland at 09:00 on the 8th was told it
 * was 20:00 on the 7th, and "yesterday" was a day off. The one formatter for
 * everything the model reads about time: no copies.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** A stored instant as YYYY-MM-DD HH:MM in local time; text that is not an instant passes through. */
export function localMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const year = String(d.getFullYear()).padStart(4, '0');
  return `${year}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A stored instant's local day, YYYY-MM-DD. */
export function localDay(iso: string): string {
  return localMinute(iso).slice(0, 10);
}

/** A stored instant's local month, YYYY-MM. */
export function localMonth(iso: string): string {
  return localMinute(iso).slice(0, 7);
}

/**
 * The zone's offset at an instant, as a model can read it: "UTC" at offset
 * 0 (what the prompts said before, so prompts rendered in UTC are unchanged),
 * else "UTC+13:00", "UTC-03:30". An offset, not a zone name: it is what
 * turns the time back into an instant, and it is right on both sides of a
 * DST change.
 */
export function zoneLabel(at: Date): string {
  const offset = -at.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const abs = Math.abs(offset);
  return `UTC${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant to the minute with its zone: "2026-12-08 09:00 UTC+13:00", or "… UTC". */
export function labelledMinute(at: Date): string {
  return `${localMinute(at.toISOString())} ${zoneLabel(at)}`;
}

/** The two parts labelledMinute writes, as patterns for others to embed. */
export const MINUTE_PATTERN = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}`;
export const ZONE_PATTERN = String.raw`UTC(?:[+-]\d{2}:\d{2})?`;

/** The instant a minute and a zone label (as labelledMinute writes them) name, or null. */
export function parseLabelledMinute(minute: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(minute);
  const z = /^UTC(?:([+-])(\d{2}):(\d{2}))?$/.exec(zone);
  if (!m || !z) return null;
  const offset = z[1] ? (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  utc.setUTCHours(Number(m[4]), Number(m[5]) - offset, 0, 0);
  return Number.isNaN(utc.getTime()) ? null : utc;
}
