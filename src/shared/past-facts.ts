import type { Passage } from './entities';

/**
 * How a past fact is marked wherever a passage is shown (CLI, app, the
 * agent's search results): "until 2026-03-01", or null while it is current.
 * A passage replaced without a known end date says only "past".
 */
export function pastLabel(passage: Pick<Passage, 'supersededBy' | 'validUntil'>): string | null {
  if (passage.validUntil) return `until ${passage.validUntil.slice(0, 10)}`;
  return passage.supersededBy ? 'past' : null;
}
