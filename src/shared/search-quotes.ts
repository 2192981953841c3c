/**
 * Which memories a search tool's result quoted: each quoted message or
 * passage id with where its item is in the result's message, [start, end).
 * Stored beside the result (messages.quotes), never shown to the model.
 */
export type Quotes = Record<string, [start: number, end: number]>;

/** What a search result says in place of a memory the user forgot. */
export const FORGOTTEN_QUOTE = '[a memory the user asked to forget]';
/** ... and in place of one from a conversation the user asked not to remember. */
export const NOT_REMEMBERED_QUOTE = '[from a conversation the user asked not to remember]';
/** ... and in place of a message of a conversation the user deleted. */
export const DELETED_QUOTE = '[from a conversation the user deleted]';

/**
 * A search result's message, `header` then one line per item, and where each
 * item is in it. Items are written as they always were (the prompt is
 * compared byte for byte): only the quotes are new.
 */
export function listQuoted(
  header: string,
  items: ReadonlyArray<{ id: string; line: string }>,
  tail: string,
): { message: string; quotes: Quotes } {
  let message = header;
  const quotes: Quotes = {};
  for (const item of items) {
    message += '\n';
    quotes[item.id] = [message.length, message.length + item.line.length];
    message += item.line;
  }
  return { message: message + tail, quotes };
}

/**
 * The result's message with the items of `ids` replaced by `notice`, the
 * other items untouched, and where those are now. Null when it quotes none
 * of them, or when its quotes do not fit the message (then it is left as
 * it is rather than cut at the wrong place).
 */
export function replaceQuoted(
  message: string,
  quotes: Quotes,
  ids: ReadonlySet<string>,
  notice: string,
): { message: string; quotes: Quotes; replaced: number } | null {
  const spans = Object.entries(quotes).sort(([, a], [, b]) => a[0] - b[0]);
  if (!spans.some(([id]) => ids.has(id))) return null;
  let previousEnd = 0;
  for (const [, [start, end]] of spans) {
    if (start < previousEnd || end < start || end > message.length) return null;
    previousEnd = end;
  }
  let out = '';
  let from = 0;
  let replaced = 0;
  const kept: Quotes = {};
  for (const [id, [start, end]] of spans) {
    out += message.slice(from, start);
    from = end;
    if (ids.has(id)) {
      out += notice;
      replaced++;
    } else {
      kept[id] = [out.length, out.length + end - start];
      out += message.slice(start, end);
    }
  }
  return { message: out + message.slice(from), quotes: kept, replaced };
}

/**
 * The same quotes under other ids (an export's file ids, an import's new
 * ones); a memory `rename` does not know is left out. Null when none is left.
 */
export function renameQuoted(
  quotes: Readonly<Quotes>,
  rename: (id: string) => string | undefined,
): Quotes | null {
  // No prototype: a file's id may be "__proto__", which is only data here.
  const out = Object.create(null) as Quotes;
  for (const [id, span] of Object.entries(quotes)) {
    const renamed = rename(id);
    if (renamed !== undefined) out[renamed] = span;
  }
  return Object.keys(out).length > 0 ? out : null;
}
