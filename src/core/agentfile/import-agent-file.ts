import type { AgentFileImportReport } from '../../shared/contract';
import type { Block, Message, MessageKind, MessageRole, ToolCall } from '../../shared/entities';
import { MemorySettingsSchema, ModelSettingsSchema } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { BUILTIN_TOOLS } from '../agent/tools';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { withoutNul } from '../text';
import type { Db } from '../storage/sql';
import { createActivityRepo } from '../storage/repos/activity-repo';
import { createAgentsRepo } from '../storage/repos/agents-repo';
import { createConsolidationRepo } from '../storage/repos/consolidation-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createInertToolsRepo } from '../storage/repos/inert-tools-repo';
import { createMessagesRepo } from '../storage/repos/messages-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import { createAgentFileRecordsRepo } from '../storage/repos/agent-file-records-repo';
import { redactSecrets } from './blank-secrets';
import { captureCarried } from './carried-record';
import { lettaAgentName } from './letta-configs';
import { fidelityNotes } from './fidelity-notes';
import { AgentFileSchema, LocusExtensionSchema, type AfAgent, type AfMessage } from './af-schema';

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

/** JSON text to a validated agent file; some writers double-encode the JSON. */
export function parseAgentFile(text: string) {
  if (Buffer.byteLength(text) > MAX_AGENT_FILE_BYTES) {
    fail(`it is larger than ${MAX_AGENT_FILE_BYTES / 1024 / 1024} MB`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (error) {
    fail(`it is not valid JSON (${(error as Error).message})`);
  }
  const parsed = AgentFileSchema.safeParse(withoutNul(value));
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
  // Control characters and path separators have no place in a display name.
  return (
    raw
      .replace(/[\p{Cc}/\\]+/gu, ' ')
      .trim()
      .slice(0, 200) || 'Imported agent'
  );
}

function messageText(content: AfMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => part.text ?? '')
    .filter(Boolean)
    .join('\n');
}

function isoOr(value: string | null | undefined, fallback: string): string {
  const time = value ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}

export interface ImportDeps {
  db: Db;
  clock: Clock;
}

/**
 * Imports the first agent of a Letta Agent File in one transaction: a file
 * that fails anywhere changes nothing. Embeddings in the file are ignored;
 * imported passages wait for the local embedder (see archival reembed).
 */
export async function importAgentFile(
  deps: ImportDeps,
  text: string,
): Promise<AgentFileImportReport> {
  const file = parseAgentFile(text);
  const agent = file.agents[0] as AfAgent;
  const notes: string[] = [];
  const raw = rawFiles.get(file);

  const extensionRaw = (agent.metadata as { locus?: unknown } | null | undefined)?.locus;
  const extension =
    extensionRaw === undefined ? null : LocusExtensionSchema.safeParse(extensionRaw);
  if (extension && !extension.success) {
    const issue = extension.error.issues[0]!;
    fail(issue.message, `agents.0.metadata.locus.${issue.path.join('.')}`);
  }
  const locus = extension?.data ?? null;

  const blocksById = new Map(file.blocks.map((b) => [b.id, b]));
  const toolsById = new Map(file.tools.map((t) => [t.id, t]));
  const builtin = new Set(BUILTIN_TOOLS.map((t) => t.name));
  const now = deps.clock.now().toISOString();

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
    const agentId = newId('agent');
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

    // Locus files list their conversations; any other file is one conversation.
    const conversationsRepo = createConversationsRepo(tx);
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
    const conversationIds: string[] = [];
    const conversationOf = new Map<string, string>();
    for (const [i, c] of fileConversations.entries()) {
      const id = newId('conversation');
      const at = isoOr(c.created_at, now);
      await conversationsRepo.insert({
        id,
        agentId,
        name: c.name.trim() || `Conversation ${i + 1}`,
        createdAt: at,
        updatedAt: at,
      });
      conversationIds.push(id);
      for (const fileId of c.messages)
        if (!conversationOf.has(fileId)) conversationOf.set(fileId, id);
    }
    const firstConversation = conversationIds[0] as string;

    const messagesRepo = createMessagesRepo(tx);
    const newIds = new Map<string, string>();
    const skipped = new Set<string>();
    const seen = new Map<string, string>();
    let messageCount = 0;
    let repeats = 0;
    let systemIndex: number | null = null;
    const storedMessages: Array<{ index: number; stored: Message }> = [];
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
      // compiles its own, so that copy is left out.
      if (!isLocusFile && i === 0 && m.role === 'system') {
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
      const kind: MessageKind = locus?.messageKinds?.[m.id] ?? 'chat';
      const created = await messagesRepo.insert({
        id: newId('message'),
        agentId,
        conversationId: conversationOf.get(m.id) ?? firstConversation,
        role: m.role as MessageRole,
        kind,
        content: messageText(m.content),
        toolCalls: toolCalls && toolCalls.length > 0 ? toolCalls : null,
        toolCallId: m.tool_call_id ?? null,
        name: m.name ?? null,
        createdAt: isoOr(m.created_at, now),
      });
      messageCount++;
      storedMessages.push({ index: i, stored: created });
      if (!newIds.has(m.id)) newIds.set(m.id, created.id);
    }
    if (repeats > 0) {
      notes.push(
        `${repeats} repeated cop${repeats === 1 ? 'y' : 'ies'} of messages were stored once.`,
      );
    }
    let firstContext: string[] = [];
    for (const [i, c] of fileConversations.entries()) {
      const context = c.context.flatMap((id) => {
        const mapped = newIds.get(id);
        if (mapped) return [mapped];
        if (!skipped.has(id)) notes.push(`In-context message "${id}" is not in the file; ignored.`);
        return [];
      });
      // A message listed twice is in the context once, where it first appears.
      const unique = [...new Set(context)];
      if (i === 0) firstContext = unique;
      await conversationsRepo.setContextMessageIds(
        { id: conversationIds[i] as string, agentId },
        unique,
      );
    }

    const passagesRepo = createPassagesRepo(tx);
    const archival = (locus?.archival ?? []).map((p) => ({ p, id: newId('passage') }));
    const passageIds = new Map(archival.flatMap(({ p, id }) => (p.id ? [[p.id, id]] : [])));
    for (const { p, id } of archival) {
      const successor = p.superseded_by
        ? (passageIds.get(p.superseded_by) ?? storedBlocks.get(p.superseded_by)?.id ?? null)
        : null;
      await passagesRepo.insert(
        {
          id,
          agentId,
          text: p.text,
          tags: p.tags,
          source: {
            kind: p.source.kind,
            ref: p.source.ref ? (newIds.get(p.source.ref) ?? p.source.ref) : null,
          },
          createdAt: isoOr(p.created_at, now),
          embedded: false,
          supersededBy: successor,
          validUntil: p.valid_until ? isoOr(p.valid_until, now) : null,
        },
        null,
      );
    }
    // The file brings its own memory: its history is not consolidated again.
    await createConsolidationRepo(tx).startAtNewest(agentId, now);
    await createActivityRepo(tx).insert({
      agentId,
      at: now,
      actor: 'import',
      action: 'import',
      target: { kind: 'agent', id: agentId, label: null },
      summary: `Imported "${name}" from an agent file: ${blockCount} blocks, ${messageCount} messages, ${archival.length} passages`,
    });

    const inertRepo = createInertToolsRepo(tx);
    const inertTools: string[] = [];
    for (const toolId of agent.tool_ids) {
      const tool = toolsById.get(toolId);
      if (!tool || builtin.has(tool.name)) continue;
      await inertRepo.insert(agentId, {
        name: tool.name,
        toolType: tool.tool_type ?? 'custom',
        record: tool as Record<string, unknown>,
      });
      inertTools.push(tool.name);
    }
    if (inertTools.length > 0) {
      notes.push(
        `Locus does not run these tools, so they were kept as records only: ${inertTools.join(', ')}.`,
      );
    }
    // What the file says that Locus does not act on, kept to be exported unchanged.
    const carried = captureCarried({
      raw,
      locusFile: isLocusFile,
      importedName: name,
      blocks: storedBlocks,
      messages: storedMessages,
      systemMessageIndex: systemIndex,
      contextLocusIds: firstContext,
      blank: (value) => redactSecrets(value).value,
    });
    if (carried) await createAgentFileRecordsRepo(tx).set(agentId, carried);
    notes.push(...fidelityNotes(raw));
    return {
      agentId,
      name,
      blocks: blockCount,
      messages: messageCount,
      passages: locus?.archival?.length ?? 0,
      inertTools,
      notes,
    };
  });
}
