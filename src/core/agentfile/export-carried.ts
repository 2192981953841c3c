import type { Block, Message } from '../../shared/entities';
import { storedFingerprint, textContent, type CarriedRecord } from './carried-record';

/**
 * Hands out file ids ("block-3", "message-12"): those an imported file used
 * stay with what they named, new things get numbers no record uses yet.
 */
export class FileIds {
  private readonly used = new Set<string>();
  private readonly next = new Map<string, number>();

  constructor(taken: Iterable<string> = []) {
    for (const id of taken) this.used.add(id);
  }

  take(prefix: string): string {
    let n = this.next.get(prefix) ?? 0;
    while (this.used.has(`${prefix}-${n}`)) n++;
    this.next.set(prefix, n + 1);
    const id = `${prefix}-${n}`;
    this.used.add(id);
    return id;
  }
}

type Json = Record<string, unknown>;

/** Every id a carried record holds, so new ones never collide with them. */
export function carriedIds(carried: CarriedRecord): string[] {
  const idsOf = (items: unknown[]): string[] =>
    items.flatMap((item) =>
      item && typeof item === 'object' && 'id' in item ? [String((item as Json).id)] : [],
    );
  return [
    carried.agentFileId,
    ...carried.blocks.map((b) => b.fileId),
    ...carried.messages.map((m) => m.fileId),
    ...idsOf(carried.tools),
    ...(carried.systemMessage ? idsOf([carried.systemMessage]) : []),
    ...idsOf(carried.rest.agents),
    ...idsOf(carried.rest.groups),
    ...idsOf(carried.rest.blocks),
    ...idsOf(carried.rest.tools),
    ...idsOf(carried.rest.files),
    ...idsOf(carried.rest.sources),
    ...idsOf(carried.rest.mcp_servers),
  ];
}

/**
 * A block as the file had it while Locus has not changed what it stored;
 * what Locus changed (value, limit, description, read-only, label) replaces
 * the file's value and the rest of the record stays.
 */
export function carriedBlock(block: Block, entry: CarriedRecord['blocks'][number]): Json {
  const { stored, record } = entry;
  const changed = <T>(now: T, then: T, original: unknown): unknown =>
    now === then ? original : now;
  return {
    ...record,
    id: entry.fileId,
    label: changed(block.label, entry.label, record.label),
    value: changed(block.value, stored.value, record.value),
    limit: changed(block.limit, stored.limit, record.limit),
    description: changed(block.description, stored.description, record.description),
    read_only: changed(block.readOnly, stored.readOnly, record.read_only),
  };
}

/** The file's message record while Locus's copy is unchanged; else Locus's, keeping the file's other fields. */
export function carriedMessage(
  message: Message,
  entry: CarriedRecord['messages'][number],
  native: Json,
): Json {
  if (storedFingerprint(message) === entry.stored) {
    return entry.contentKept
      ? { ...entry.record, id: entry.fileId }
      : { ...entry.record, id: entry.fileId, content: textContent(message.content) };
  }
  return { ...entry.record, ...native, id: entry.fileId };
}

/** Records in the order the file had them; new ones after, in the order given. */
export function inFileOrder<T>(items: T[], order: string[] | undefined): T[] {
  if (!order) return items;
  const position = new Map(order.map((id, i) => [id, i]));
  const rank = (item: T): number => position.get(String((item as Json).id)) ?? order.length;
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map(({ item }) => item);
}
