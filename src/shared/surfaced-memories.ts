import { z } from 'zod';

/**
 * What memory surfacing gave one turn (core/memory/surfacing): stored as a
 * message of kind "memories" right after the user's message, its content
 * this block as JSON, so every later step renders that turn identically
 * (the KV cache stays valid) and the user can see what a reply was given.
 */
export const SurfacedMemorySchema = z.object({
  /** The passage or message it came from. */
  id: z.string(),
  tier: z.enum(['archival', 'recall']),
  /** Where it came from, for the reader: "conversation", "capture", "imported file", … */
  source: z.string(),
  /** When it was said or stored, ISO. */
  at: z.string(),
  /** Who said it, for recall messages: "user" or "assistant". */
  speaker: z.string().nullable(),
  /** What the model sees: the whole text, or of a long one the part that matched. */
  text: z.string(),
  /** When a newer fact replaced this one: the date it stopped being true. */
  until: z.string().nullable().default(null),
});
export type SurfacedMemory = z.infer<typeof SurfacedMemorySchema>;

export const SurfacedBlockSchema = z.object({
  items: z.array(SurfacedMemorySchema),
  /** The rendered block's size (estimated tokens). */
  tokens: z.number(),
});
export type SurfacedBlock = z.infer<typeof SurfacedBlockSchema>;

/** The block of a "memories" message, or null if its content is not one. */
export function parseSurfacedBlock(content: string): SurfacedBlock | null {
  try {
    const parsed = SurfacedBlockSchema.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const day = (iso: string) => iso.slice(0, 10);

/** One line of the block: date, source, speaker, text; a replaced fact says until when it held. */
export function renderSurfacedMemory(item: SurfacedMemory): string {
  const when = item.until ? `${day(item.at)}, true until ${item.until.slice(0, 7)}` : day(item.at);
  const who = item.speaker ? ` ${item.speaker}:` : '';
  return `- [${when} · ${item.source}]${who} ${item.text.replace(/\s*\n\s*/g, ' ')}`;
}

const HEADER =
  '[memories] Possibly relevant, found in your memory for this message (check before relying on it):';

/**
 * The block as the model reads it, placed before the user's words in their
 * turn (with a blank line between). Deterministic: the same block always
 * renders the same text. Its lines never hold a blank line.
 */
export function renderSurfacedBlock(block: SurfacedBlock): string {
  return [HEADER, ...block.items.map(renderSurfacedMemory)].join('\n');
}

/** A user turn's own words, without the surfaced block rendered before them. */
export function withoutSurfacedBlock(turnContent: string): string {
  if (!turnContent.startsWith(HEADER)) return turnContent;
  const end = turnContent.indexOf('\n\n');
  return end < 0 ? '' : turnContent.slice(end + 2);
}
