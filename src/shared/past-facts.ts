import type { Passage } from './entities';
import { localDay } from './local-time';

/**
 * How a past fact is marked wherever a passage is shown (CLI, app, the
 * agent's search results): "until 2026-03-01", or null while it is current.
 * A passage replaced without a known end date says only "past". The end is
 * a local midnight (resolve-date.ts): its local day is the date resolved.
 */
export function pastLabel(passage: Pick<Passage, 'supersededBy' | 'validUntil'>): string | null {
  if (passage.validUntil) return untilLabel(passage.validUntil);
  return passage.supersededBy ? 'past' : null;
}

/**
 * How a found message whose facts were all replaced is marked (its
 * `until`), as a past fact is: "until 2026-03-20", or null.
 */
export function untilLabel(until: string | null | undefined): string | null {
  return until ? `until ${localDay(until)}` : null;
}
