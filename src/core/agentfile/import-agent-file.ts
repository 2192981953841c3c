import type { AgentFileImportReport } from '../../shared/contract';
import type { Block, MessageKind, MessageRole, Passage, ToolCall } from '../../shared/entities';
import { MemorySettingsSchema, ModelSettingsSchema } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { renameQuoted } from '../../shared/search-quotes';
import { BUILTIN_TOOLS } from '../agent/tools';
import type { Clock } from '../clock';
import { parseTimestamp } from '../dates';
import { yieldToEventLoop } from '../event-loop';
import { newId } from '../ids';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth';
import { displayName, storable } from '../text';
import type { Db } from '../storage/sql';
import { createActivityRepo } from '../storage/repos/activity-repo';
import { createAgentsRepo } from '../storage/repos/agents-repo';
import { createConsolidationRepo } from '../storage/repos/consolidation-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createInertToolsRepo } from '../storage/repos/inert-tools-repo';
import { createMessagesRepo, type NewMessage } from '../storage/repos/messages-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import { createUpcomingRepo } from '../storage/repos/upcoming-repo';
import { createAgentFileRecordsRepo } from '../storage/repos/agent-file-records-repo';
import { captureCarried } from './carried-record';
import { lettaAgentName } from './letta-configs';
import { fidelityNotes } from './fidelity-notes';
import { AgentFileSchema, LocusExtensionSchema, type AfAgent, type AfMessage } from './af-schema';
import { redactSecrets } from './redact-secrets';

/** Largest file accepted; bigger ones are refused before parsing. */
export const MAX_AGENT_FILE_BYTES = 200 * 1024 * 1024;
const MAX_BLOCK_LIMIT = 100_000;

function fail(message: string, where?: string): never {
  throw new LocusError(
    'AGENT_FILE_INVALID',
    `This agent file cannot be imported: ${message}${where ? ` (at ${where})` : ''}. Nothing was changed.`,
    where ? { where } : undefined,
  );
}

/** Refuses a file over the size limit, saying how large it is. */
export function checkAgentFileSize(bytes: number): void {
  if (bytes > MAX_AGENT_FILE_BYTES) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    fail(`it is ${mb(bytes)} MB; files up to ${mb(MAX_AGENT_FILE_BYTES)} MB can be imported`);
  }
}

/** JSON text to a validated agent file; some writers double-encode the JSON. */
export function parseAgentFile(text: string) {
  checkAgentFileSize(Buffer.byteLength(text));
  // A byte-order mark is not JSON, but editors write one.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (error) {
    // The Markdown export is the other file Locus writes; it is for reading.
    if (/^\s*#/.test(body)) {
      fail(
        'it is Markdown (like "locus export --markdown" writes), which is for reading; import an Agent File (.af) instead, exported with "locus export --out <file>.af" or from the Files view',
      );
    }
    fail(`it is not valid JSON (${(error as Error).message})`);
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    fail(`it nests more than ${MAX_JSON_DEPTH} levels deep, which no agent file does`);
  }
  const parsed = AgentFileSchema.safeParse(storable(value));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(issue.message, issue.path.join('.') || 'top level');
  }
  rawFiles.set(parsed.data, value);
  return parsed.data;
}

/** The decoded JSON behind a parsed file: validation drops the fields Locus does not read. */
const rawFiles = new WeakMap<object, unknown>();

/** Labels become prompt tags and tool arguments: lowercase words only, no paths. */
function safeLabel(raw: string, taken: Set<string>): string {
  let label = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64);
  if (!label) label = 'block';
  let unique = label;
  for (let n = 2; taken.has(unique); n++) unique = `${label.slice(0, 60)}_${n}`;
  taken.add(unique);
  return unique;
}

function safeName(raw: string): string {
  // Control characters and path separators have no place in a display name,
  // nor bidirectional overrides that make it read as something else.
  return displayName(raw.replace(/[/\\]+/g, ' ')).slice(0, 200) || 'Imported agent';
}

function messageText(content: AfMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => part.text ?? '')
    .filter(Boolean)
    .join('\n');
}

export interface ImportDeps {
  db: Db;
  clock: Clock;
}

export interface ImportOptions {
  /** Checked between chunks; an abort rolls the whole import back (CANCELLED). */
  signal?: AbortSignal;
  onProgress?: (progress: { phase: 'messages' | 'passages'; done: number; total: number }) => void;
}

/** Rows per statement: large enough to be fast, small enough to let the process answer between. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The first few of a list, for a note that would otherwise repeat thousands of times. */
function sample(items: string[]): string {
  const shown = items.slice(0, 3).map((item) => `"${item}"`);
  return items.length > 3 ? `${shown.join(', ')} and ${items.length - 3} more` : shown.join(', ');
}

/**
 * Imports the first agent of a Letta Agent File in one transaction: a file
 * that fails anywhere changes nothing. Embeddings in the file are ignored;
 * imported passages wait for the local embedder (see archival reembed).
 * Rows are written in chunks with a pause between, so the process keeps
 * answering (timers, other clients, Ctrl+C) during a long import.
 */
export async function importAgentFile(
  deps: ImportDeps,
  text: string,
  options: ImportOptions = {},
): Promise<AgentFileImportReport> {
  const file = parseAgentFile(text);
  const agent = file.agents[0] as AfAgent;
  const notes: string[] = [];
  // The other agents are carried to the export; the report says so (fidelityNotes).
  const raw = rawFiles.get(file);
  // How the bytes were read is the caller's note (decodeAgentFileBytes): a
  // U+FFFD in the text is data (a small model's broken character), not a sign.

  const extensionRaw = (agent.metadata as { locus?: unknown } | null | undefined)?.locus;
  const extension =
    extensionRaw === undefined ? null : LocusExtensionSchema.safeParse(extensionRaw);
  if (extension && !extension.success) {
    const issue = extension.error.issues[0]!;
    fail(issue.message, `agents.0.metadata.locus.${issue.path.join('.')}`);
  }
  const locus = extension?.data ?? null;
  // Maps, not objects: ids such as "constructor" or "__proto__" are only data.
  const kinds = new Map<string, MessageKind>(Object.entries(locus?.messageKinds ?? {}));

  const blocksById = new Map(file.blocks.map((b) => [b.id, b]));
  const toolsById = new Map(file.tools.map((t) => [t.id, t]));
  const builtin = new Set(BUILTIN_TOOLS.map((t) => t.name));
  const now = deps.clock.now().toISOString();
  let badDates = 0;
  const timestamp = (value: string | null | undefined): string => {
    const parsed = parseTimestamp(value);
    if (!parsed && value) badDates++;
    return parsed ? parsed.toISOString() : now;
  };

  // Every row is planned before the transaction opens: the transaction
  // then only writes, in chunks.
  const agentId = newId('agent');
  // Locus files list their conversations; any other file is one conversation.
  const fileConversations = locus?.conversations?.length
    ? locus.conversations
    : [
        {
          name: 'Conversation 1',
          created_at: now,
          messages: [],
          context: agent.in_context_message_ids,
        },
      ];
  const conversationIds = fileConversations.map(() => newId('conversation'));
  const conversationOf = new Map<string, string>();
  for (const [i, c] of fileConversations.entries()) {
    for (const fileId of c.messages)
      if (!conversationOf.has(fileId)) conversationOf.set(fileId, conversationIds[i] as string);
  }
  const firstConversation = conversationIds[0] as string;
  const rows: NewMessage[] = [];
  const newIds = new Map<string, string>();
  const skipped = new Set<string>();
  const seen = new Map<string, string>();
  let repeats = 0;
  let systemIndex: number | null = null;
  // The file's message index of each row, so its record can be carried.
  const rowIndex: number[] = [];
  const isLocusFile = locus !== null;
  for (const [i, m] of agent.messages.entries()) {
    // A message repeated verbatim (a copy-paste or merge slip) is stored
    // once; a different message reusing an id is kept, never dropped.
    const serialized = JSON.stringify(m);
    if (seen.get(m.id) === serialized) {
      repeats++;
      continue;
    }
    seen.set(m.id, serialized);
    // Letta stores its compiled system prompt as the first message; Locus
    // compiles its own, so that copy is left out (and a Locus file names
    // the one it carried through, so a round trip leaves it out too).
    if (i === 0 && m.role === 'system' && (!isLocusFile || m.id === locus.systemMessageId)) {
      systemIndex = i;
      skipped.add(m.id);
      notes.push('The compiled system prompt message was left out (Locus builds its own).');
      continue;
    }
    const toolCalls: ToolCall[] | null =
      m.tool_calls?.map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments:
          typeof c.function.arguments === 'string'
            ? c.function.arguments
            : JSON.stringify(c.function.arguments),
      })) ?? null;
    const id = newId('message');
    rows.push({
      id,
      agentId,
      conversationId: conversationOf.get(m.id) ?? firstConversation,
      role: m.role as MessageRole,
      kind: kinds.get(m.id) ?? 'chat',
      content: messageText(m.content),
      toolCalls: toolCalls && toolCalls.length > 0 ? toolCalls : null,
      toolCallId: m.tool_call_id ?? null,
      name: m.name ?? null,
      createdAt: timestamp(m.created_at),
    });
    rowIndex.push(i);
    if (!newIds.has(m.id)) newIds.set(m.id, id);
  }
  if (repeats > 0) {
    notes.push(
      `${repeats} repeated cop${repeats === 1 ? 'y' : 'ies'} of messages were stored once.`,
    );
  }
  const dangling: string[] = [];
  const contexts = fileConversations.map((c) =>
    c.context.flatMap((id) => {
      const mapped = newIds.get(id);
      if (mapped) return [mapped];
      if (!skipped.has(id)) dangling.push(id);
      return [];
    }),
  );
  if (dangling.length > 0) {
    notes.push(
      `${dangling.length} in-context message id${dangling.length === 1 ? ' is' : 's are'} not in the file and ${dangling.length === 1 ? 'was' : 'were'} ignored: ${sample(dangling)}.`,
    );
  }
  const fileArchival = locus?.archival ?? [];
  // Every passage gets its own id; a file id used twice names the first (a
  // mutated or hand-edited file must not make two rows share a key).
  const newPassageIds = fileArchival.map(() => newId('passage'));
  const passageIds = new Map<string, string>();
  fileArchival.forEach((p, i) => {
    if (p.id && !passageIds.has(p.id)) passageIds.set(p.id, newPassageIds[i] as string);
  });
  // What search results quoted, under the new ids (known once passages have theirs).
  const fileQuotes = new Map(Object.entries(locus?.messageQuotes ?? {}));
  rows.forEach((row, r) => {
    const quotes = fileQuotes.get(agent.messages[rowIndex[r]!]!.id);
    if (quotes) row.quotes = renameQuoted(quotes, (id) => newIds.get(id) ?? passageIds.get(id));
  });
  const fileSuccessors = fileArchival.map((p) => p.superseded_by ?? null);
  const passages: Passage[] = fileArchival.map((p, i) => ({
    id: newPassageIds[i] as string,
    agentId,
    text: p.text,
    tags: p.tags,
    source: {
      kind: p.source.kind,
      ref: p.source.ref ? (newIds.get(p.source.ref) ?? p.source.ref) : null,
    },
    createdAt: timestamp(p.created_at),
    embedded: false,
    supersededBy: p.superseded_by ? (passageIds.get(p.superseded_by) ?? null) : null,
    validUntil: p.valid_until ? timestamp(p.valid_until) : null,
  }));
  if (badDates > 0) {
    notes.push(
      `${badDates} date${badDates === 1 ? ' was' : 's were'} not a real date between the years 1 and 9999 and ${badDates === 1 ? 'was' : 'were'} replaced with the import time.`,
    );
  }

  const step = async (): Promise<void> => {
    if (options.signal?.aborted) {
      throw new LocusError('CANCELLED', 'The import was stopped; nothing was imported.');
    }
    await yieldToEventLoop();
  };

  return deps.db.transaction(async (tx) => {
    const agentsRepo = createAgentsRepo(tx);
    // A Locus export carries the exact name; Letta's `name` allows fewer characters.
    const fileName =
      locus?.name && lettaAgentName(locus.name) === agent.name ? locus.name : agent.name;
    let name = safeName(fileName);
    for (let n = 2; await agentsRepo.getByName(name); n++) {
      name = `${safeName(fileName).slice(0, 180)} (imported${n > 2 ? ` ${n - 1}` : ''})`;
    }
    const settings = ModelSettingsSchema.safeParse({
      ...(agent.llm_config?.context_window
        ? { contextSize: Math.min(262_144, Math.max(512, agent.llm_config.context_window)) }
        : {}),
      ...(agent.llm_config?.temperature != null
        ? { temperature: Math.min(2, Math.max(0, agent.llm_config.temperature)) }
        : {}),
      ...(locus?.model ?? {}),
    });
    const model = settings.success ? settings.data : ModelSettingsSchema.parse({});
    if (!settings.success)
      notes.push('Model settings in the file were invalid; defaults were used.');
    await agentsRepo.insert({
      id: agentId,
      name,
      system: agent.system ?? '',
      // A model file path from another machine would not resolve here.
      model: { ...model, modelPath: null },
      // A Letta agent's prompt is written for Letta's tools: it keeps them.
      memory: MemorySettingsSchema.catch(MemorySettingsSchema.parse({})).parse(
        locus ? (locus.memory ?? {}) : { toolProfile: 'letta' },
      ),
      createdAt: now,
      updatedAt: now,
    });

    const labels = new Set<string>();
    // File block id -> the block stored here (past facts may name a block as their successor).
    const storedBlocks = new Map<string, Block>();
    const blocksRepo = createBlocksRepo(tx);
    let blockCount = 0;
    for (const [i, blockId] of agent.block_ids.entries()) {
      const source = blocksById.get(blockId);
      if (!source)
        fail(`block "${blockId}" is listed but not in the file`, `agents.0.block_ids.${i}`);
      const label = safeLabel(source.label, labels);
      if (label !== source.label) notes.push(`Block "${source.label}" was renamed to "${label}".`);
      const limit = Math.min(
        MAX_BLOCK_LIMIT,
        Math.max(source.limit ?? 5000, source.value.length, 1),
      );
      if (source.value.length > MAX_BLOCK_LIMIT) {
        fail(`block "${source.label}" holds more than ${MAX_BLOCK_LIMIT} characters`, `blocks`);
      }
      const block: Block = {
        id: newId('block'),
        agentId,
        label,
        value: source.value,
        limit,
        description: source.description ?? '',
        readOnly: source.read_only ?? false,
        // Blocks list in creation order: a millisecond apart keeps the file's order.
        createdAt: new Date(Date.parse(now) + i).toISOString(),
        updatedAt: now,
      };
      await blocksRepo.insert(block);
      storedBlocks.set(blockId, block);
      blockCount++;
    }

    const conversationsRepo = createConversationsRepo(tx);
    for (const [i, c] of fileConversations.entries()) {
      const at = timestamp(c.created_at);
      await conversationsRepo.insert({
        id: conversationIds[i] as string,
        agentId,
        name: displayName(c.name) || `Conversation ${i + 1}`,
        createdAt: at,
        updatedAt: at,
      });
      // Kept out of memory where it came from, so here: never embedded, consolidated or searched for the model.
      if (c.remember === false)
        await conversationsRepo.setRemember(conversationIds[i] as string, false, at);
    }

    const messagesRepo = createMessagesRepo(tx);
    let written = 0;
    options.onProgress?.({ phase: 'messages', done: 0, total: rows.length });
    for (const chunk of chunks(rows)) {
      await step();
      await tooLongToIndex(
        () => messagesRepo.insertMany(chunk),
        `agents.0.messages (one of ${written + 1}-${written + chunk.length})`,
      );
      written += chunk.length;
      options.onProgress?.({ phase: 'messages', done: written, total: rows.length });
    }
    for (const [i, context] of contexts.entries()) {
      // A message listed twice is in the context once, where it first appears.
      await conversationsRepo.setContextMessageIds({ id: conversationIds[i] as string, agentId }, [
        ...new Set(context),
      ]);
    }

    const passagesRepo = createPassagesRepo(tx);
    // A past fact may be superseded by a block line, whose new id exists only now.
    for (const [i, successor] of fileSuccessors.entries()) {
      const passage = passages[i] as Passage;
      if (successor && !passage.supersededBy)
        passage.supersededBy = storedBlocks.get(successor)?.id ?? null;
    }
    let stored = 0;
    for (const chunk of chunks(passages)) {
      await step();
      await tooLongToIndex(
        () => passagesRepo.insertMany(chunk.map((passage) => ({ passage, embedding: null }))),
        `agents.0.metadata.locus.archival (one of ${stored + 1}-${stored + chunk.length})`,
      );
      stored += chunk.length;
      options.onProgress?.({ phase: 'passages', done: stored, total: passages.length });
    }
    const upcomingRepo = createUpcomingRepo(tx);
    for (const u of locus?.upcoming ?? []) {
      const block = storedBlocks.get(u.block);
      if (!block) continue;
      await upcomingRepo.insert({
        blockId: block.id,
        line: u.line,
        replaces: u.replaces,
        startsAt: timestamp(u.starts_at),
        messageId: u.message ? (newIds.get(u.message) ?? null) : null,
      });
    }
    // The file brings its own memory: its history is not consolidated again.
    await createConsolidationRepo(tx).startAtNewest(agentId, now);
    await createActivityRepo(tx).insert({
      agentId,
      at: now,
      actor: 'import',
      action: 'import',
      target: { kind: 'agent', id: agentId, label: null },
      summary: `Imported "${name}" from an agent file: ${blockCount} blocks, ${rows.length} messages, ${passages.length} passages`,
    });

    const inertRepo = createInertToolsRepo(tx);
    const inertTools: string[] = [];
    let secrets = 0;
    for (const toolId of agent.tool_ids) {
      const tool = toolsById.get(toolId);
      if (!tool || builtin.has(tool.name)) continue;
      // Kept to show and export, never to run: no key or token is needed for that.
      const record = redactSecrets(tool as Record<string, unknown>);
      secrets += record.blanked;
      await inertRepo.insert(agentId, {
        name: tool.name,
        toolType: tool.tool_type ?? 'custom',
        record: record.value,
      });
      inertTools.push(tool.name);
    }
    if (inertTools.length > 0) {
      notes.push(
        `Locus does not run these tools, so they were kept as records only: ${inertTools.join(', ')}.`,
      );
    }
    if (secrets > 0) {
      notes.push(
        `${secrets} secret value${secrets === 1 ? ' (a key, token or password) was' : 's (keys, tokens or passwords) were'} removed from the tool records.`,
      );
    }
    // What the file says that Locus does not act on, kept to be exported unchanged.
    const carried = captureCarried({
      raw,
      locusFile: isLocusFile,
      importedName: name,
      blocks: storedBlocks,
      messages: rows.map((stored, i) => ({ index: rowIndex[i] as number, stored })),
      systemMessageIndex: systemIndex,
      contextLocusIds: [...new Set(contexts[0] ?? [])],
      blank: (value) => redactSecrets(value).value,
    });
    if (carried) await createAgentFileRecordsRepo(tx).set(agentId, carried);
    notes.push(...fidelityNotes(raw));
    return {
      agentId,
      name,
      blocks: blockCount,
      messages: rows.length,
      passages: passages.length,
      inertTools,
      notes,
    };
  });
}

/**
 * Postgres indexes every text for search and refuses one whose distinct
 * words exceed about 1 MB; that is the file's problem, said as such.
 */
async function tooLongToIndex(write: () => Promise<unknown>, where: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    if ((error as { code?: unknown }).code === '54000') {
      fail('a text is too long to index for search (about 1 MB of distinct words at most)', where);
    }
    throw error;
  }
}
