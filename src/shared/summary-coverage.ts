import { MINUTE_PATTERN, ZONE_PATTERN } from './local-time';

/**
 * The line Locus writes above the model's summary: what stretch of the
 * conversation it covers, in local time with its zone, "from 2026-12-08
 * 09:00 to 2026-12-08 11:30 UTC+13:00:" (each end labelled when their
 * offsets differ, across a DST change). Stored summaries say "… UTC:",
 * which is the same line written in UTC. Groups: the start's minute and
 * zone (when labelled), the end's minute and zone.
 */
export const SUMMARY_COVERAGE = new RegExp(
  `^Summary of the conversation (?:from (${MINUTE_PATTERN})(?: (${ZONE_PATTERN}))? to|up to) (${MINUTE_PATTERN}) (${ZONE_PATTERN}):\n`,
);

/** A stored summary's text without its coverage line: what the model merges the next one into. */
export function summaryBody(content: string): string {
  const line = SUMMARY_COVERAGE.exec(content);
  return line ? content.slice(line[0].length) : content;
}
