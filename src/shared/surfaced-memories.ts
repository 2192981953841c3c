import { z } from 'zod';
import { localDay, localMonth } from './local-time';

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

// Local days, as the status line's time and "yesterday" in the user's message.
const day = localDay;
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
const when = (item: SurfacedMemory) =>
  item.until ? `${day(item.at)}, true until ${localMonth(item.until)}` : day(item.at);

const HEADER =
  '[memories] Possibly relevant, found in your memory for this message (check before relying on it):';

/** Who said a remembered message, as the model reads it: the assistant is the model itself. */
const SPEAKERS: Record<string, string> = { assistant: 'you' };

/**
 * The block's memories as lines, grouped: each date and source (and "true
 * until" of a replaced fact) once, as a heading, then its memories, oldest
 * group first. Repeating them on every line cost about a fifth of a block
 * of short messages (docs/benchmarks.md, "Memory surfacing"); in date order
 * the model also reads what happened in the order it happened. The stored
 * order (best match first) is not the rendered one, so the rendering sorts.
 */
export function renderSurfacedLines(block: SurfacedBlock): string[] {
  const heading = (item: SurfacedMemory) => `${when(item)} · ${item.source}:`;
  const ordered = [...block.items].sort(
    (a, b) =>
      day(a.at).localeCompare(day(b.at)) ||
      heading(a).localeCompare(heading(b)) ||
      a.at.localeCompare(b.at) ||
      a.id.localeCompare(b.id),
  );
  const lines: string[] = [];
  let group: string | null = null;
  for (const item of ordered) {
    if (heading(item) !== group) {
      group = heading(item);
      lines.push(group);
    }
    const who = item.speaker ? `${SPEAKERS[item.speaker] ?? item.speaker}: ` : '';
    lines.push(`- ${who}${oneLine(item.text)}`);
  }
  return lines;
}

/**
 * The block as the model reads it, placed before the user's words in their
 * turn (with a blank line between). Deterministic: the same block always
 * renders the same text. Its lines never hold a blank line.
 */
export function renderSurfacedBlock(block: SurfacedBlock): string {
  return [HEADER, ...renderSurfacedLines(block)].join('\n');
}

/** A user turn's own words, without the surfaced block rendered before them. */
export function withoutSurfacedBlock(turnContent: string): string {
  if (!turnContent.startsWith(HEADER)) return turnContent;
  const end = turnContent.indexOf('\n\n');
  return end < 0 ? '' : turnContent.slice(end + 2);
}
