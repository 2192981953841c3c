import path from 'node:path';
import type { Message, Passage } from '../../shared/entities';
import { renameQuoted, type Quotes } from '../../shared/search-quotes';
import { toolParams } from '../agent/response-format';
import { paramsJsonSchema } from '../agent/tool-schema';
import { BUILTIN_TOOLS, DEFAULT_TOOL_RULES } from '../agent/tools';
import type { createAgents } from '../memory/agents';
import type { Embedder } from '../models/embedder';
import type { Db } from '../storage/sql';
import { createAgentFileRecordsRepo } from '../storage/repos/agent-file-records-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createInertToolsRepo } from '../storage/repos/inert-tools-repo';
import { createMessagesRepo } from '../storage/repos/messages-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import { createUpcomingRepo } from '../storage/repos/upcoming-repo';
import { lettaAgentName, lettaEmbeddingConfig, lettaLlmConfig } from './letta-configs';
import type { LocusExtension } from './af-schema';
import { readCarried, textContent } from './carried-record';
import { FileIds, carriedBlock, carriedIds, carriedMessage, inFileOrder } from './export-carried';
import { redactSecrets } from './redact-secrets';

export interface ExportDeps {
  db: Db;
  agents: ReturnType<typeof createAgents>;
  embedder: Embedder;
  now: () => Date;
}

const PAGE = 1000;

export async function allMessages(db: Db, agentId: string): Promise<Message[]> {
  const repo = createMessagesRepo(db);
  const out: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await repo.listBefore(agentId, PAGE, before);
    out.unshift(...page);
    if (page.length < PAGE) return out;
    before = page[0]?.seq;
  }
}

export async function allPassages(db: Db, agentId: string): Promise<Passage[]> {
  const repo = createPassagesRepo(db);
  const out: Passage[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await repo.list({ agentId }, PAGE, offset);
    out.push(...page);
    if (page.length < PAGE) return out.reverse();
  }
}

/** Letta's message shape; Locus keeps the text, calls and their ids. */
function lettaMessage(m: Message, id: string, agentId: string) {
  return {
    type: 'message',
    role: m.role,
    content: textContent(m.content),
    name: m.name,
    id,
    agent_id: agentId,
    tool_calls:
      m.toolCalls?.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })) ?? null,
    tool_call_id: m.toolCallId,
    tool_returns: [],
    created_at: m.createdAt,
  };
}

/** Letta's tool types for Locus's tools. */
const TOOL_TYPE: Record<string, string> = {
  send_message: 'letta_core',
  conversation_search: 'letta_core',
  archival_memory_insert: 'letta_core',
  archival_memory_search: 'letta_core',
};

/**
 * Writes an agent in Letta's Agent File format, valid for Letta's own
 * schema. Archival passages, conversations and Locus's message kinds go in
 * the agent's `metadata.locus` (a free-form field Letta keeps), so a
 * Locus-to-Locus round trip loses nothing. An agent imported from a file
 * gets back everything Locus does not act on: its agent type, tool rules,
 * the file's tool records (never Locus's tools in their place), groups,
 * other agents, message details. Secrets are blanked.
 */
export async function exportAgentFile(deps: ExportDeps, agentId: string) {
  const agent = await deps.agents.get(agentId);
  const carried = readCarried(await createAgentFileRecordsRepo(deps.db).get(agentId));
  const messages = await allMessages(deps.db, agentId);
  const conversationsRepo = createConversationsRepo(deps.db);
  const conversations = await conversationsRepo.listByAgent(agentId);
  const contexts = await Promise.all(
    conversations.map((c) => conversationsRepo.getContextMessageIds(c.id)),
  );
  // Letta's file has one context: the most recently active conversation's.
  const contextIds = contexts[0] ?? [];
  const passages = await allPassages(deps.db, agentId);
  const inert = await createInertToolsRepo(deps.db).list(agentId);
  const upcoming = await createUpcomingRepo(deps.db).list(agentId);

  const ids = new FileIds(carried ? carriedIds(carried) : []);
  const fromFile = new Map(carried?.messages.map((m) => [m.locusId, m]) ?? []);
  // File ids for everything one record can point at: messages, passages, blocks (below).
  const fileIds = new Map(
    messages.map((m) => [m.id, fromFile.get(m.id)?.fileId ?? ids.take('message')]),
  );
  for (const p of passages) fileIds.set(p.id, ids.take('archival'));

  const blockEntries = new Map(carried?.blocks.map((b) => [b.label, b]) ?? []);
  const agentBlocks = agent.blocks.map((b) => {
    const entry = blockEntries.get(b.label);
    blockEntries.delete(b.label);
    return entry
      ? carriedBlock(b, entry)
      : {
          id: ids.take('block'),
          label: b.label,
          value: b.value,
          limit: b.limit,
          description: b.description,
          read_only: b.readOnly,
          metadata: {},
        };
  });
  agent.blocks.forEach((b, i) => fileIds.set(b.id, String(agentBlocks[i]!.id)));
  const messageKinds: Record<string, Exclude<Message['kind'], 'chat'>> = {};
  for (const m of messages) if (m.kind !== 'chat') messageKinds[fileIds.get(m.id)!] = m.kind;
  // No prototype: a carried file id may be "__proto__" (see renameQuoted).
  const messageQuotes = Object.create(null) as Record<string, Quotes>;
  for (const [id, quotes] of await createMessagesRepo(deps.db).quotesOf(agentId)) {
    const inFile = renameQuoted(quotes, (quoted) => fileIds.get(quoted));
    if (inFile && fileIds.has(id)) messageQuotes[fileIds.get(id)!] = inFile;
  }

  // An imported agent keeps the file's tools; only Locus's own agents list Locus's.
  const tools = carried
    ? [...carried.tools, ...carried.rest.tools].map((t) => redactSecrets(t).value)
    : [
        ...BUILTIN_TOOLS.map((tool) => ({
          id: ids.take('tool'),
          name: tool.name,
          tool_type: TOOL_TYPE[tool.name] ?? 'letta_memory_core',
          description: tool.description,
          source_type: 'python',
          source_code: null,
          tags: ['locus_builtin'],
          json_schema: {
            name: tool.name,
            description: tool.description,
            parameters: paramsJsonSchema(toolParams(tool)),
          },
        })),
        // Blanked again on the way out: a record stored by an older Locus may hold a key.
        ...inert.map((tool) => ({ ...redactSecrets(tool.record).value, id: ids.take('tool') })),
      ];
  const agentToolIds = carried
    ? carried.tools.map((t) => String(t.id))
    : tools.map((t) => String(t.id));

  const extension: LocusExtension = {
    formatVersion: 1,
    name: agent.name,
    // A local path says nothing useful on another machine: keep the file name.
    model: {
      ...agent.model,
      modelPath: agent.model.modelPath ? path.basename(agent.model.modelPath) : null,
    },
    messageKinds,
    ...(Object.keys(messageQuotes).length > 0 ? { messageQuotes } : {}),
    ...(carried?.systemMessage ? { systemMessageId: String(carried.systemMessage.id) } : {}),
    memory: agent.memory,
    conversations: conversations.map((c, i) => ({
      name: c.name,
      created_at: c.createdAt,
      messages: messages.filter((m) => m.conversationId === c.id).map((m) => fileIds.get(m.id)!),
      context: (contexts[i] ?? []).flatMap((id) => fileIds.get(id) ?? []),
      ...(c.remember ? {} : { remember: false }),
    })),
    archival: passages.map((p) => ({
      id: fileIds.get(p.id)!,
      text: p.text,
      tags: p.tags,
      created_at: p.createdAt,
      // Message references point at the file's message ids, not this database's.
      source: {
        kind: p.source.kind,
        ref: p.source.ref ? (fileIds.get(p.source.ref) ?? p.source.ref) : null,
      },
      ...(p.supersededBy || p.validUntil
        ? {
            superseded_by: p.supersededBy ? (fileIds.get(p.supersededBy) ?? null) : null,
            valid_until: p.validUntil,
          }
        : {}),
    })),
    // Which line each upcoming one replaces, so the copy makes it current on its date.
    ...(upcoming.length > 0
      ? {
          upcoming: upcoming.flatMap((u) => {
            const block = fileIds.get(u.blockId);
            return block
              ? [
                  {
                    block,
                    line: u.line,
                    replaces: u.replaces,
                    starts_at: u.startsAt,
                    message: u.messageId ? (fileIds.get(u.messageId) ?? null) : null,
                  },
                ]
              : [];
          }),
        }
      : {}),
  };

  const fileAgentId = carried?.agentFileId ?? ids.take('agent');
  // A block of this agent that Locus deleted but another agent in the file still uses.
  const referenced = new Set(
    (carried?.rest.agents ?? []).flatMap((a) =>
      Array.isArray(a.block_ids) ? a.block_ids.map(String) : [],
    ),
  );
  const othersBlocks = [...blockEntries.values()]
    .filter((entry) => referenced.has(entry.fileId))
    .map((entry) => ({ ...entry.record, id: entry.fileId }));

  const fileMessages = messages.map((m) => {
    const native = lettaMessage(m, fileIds.get(m.id)!, fileAgentId);
    const entry = fromFile.get(m.id);
    return entry ? carriedMessage(m, entry, native) : native;
  });
  let context = contextIds.flatMap((id) => fileIds.get(id) ?? []);
  if (carried?.systemMessage) {
    fileMessages.unshift(carried.systemMessage);
    const unchanged = JSON.stringify(contextIds) === JSON.stringify(carried.context.locusIds);
    const systemId = String(carried.systemMessage.id);
    context = unchanged ? carried.context.fileIds : [systemId, ...context];
  } else if (carried && JSON.stringify(contextIds) === JSON.stringify(carried.context.locusIds)) {
    context = carried.context.fileIds;
  }

  const llm = lettaLlmConfig(agent.model);
  const carriedLlm = carried?.agent.llm_config;
  const { locus: _stale, ...carriedMetadata } = (carried?.agent.metadata ?? {}) as Record<
    string,
    unknown
  >;
  const agentRecord = redactSecrets({
    ...(carried
      ? {
          ...carried.agent,
          ...(carried.locusFile ? { embedding_config: lettaEmbeddingConfig(deps.embedder) } : {}),
        }
      : {
          description: null,
          agent_type: 'memgpt_agent',
          tool_rules: [
            ...DEFAULT_TOOL_RULES.terminal.map((name) => ({ tool_name: name, type: 'exit_loop' })),
            ...DEFAULT_TOOL_RULES.continue.map((name) => ({
              tool_name: name,
              type: 'continue_loop',
            })),
          ],
          tags: [],
          embedding_config: lettaEmbeddingConfig(deps.embedder),
          tool_exec_environment_variables: {},
          secrets: null,
          memory_blocks: [],
          tools: [],
          source_ids: [],
          files_agents: [],
          group_ids: [],
        }),
    id: fileAgentId,
    name:
      carried && agent.name === carried.importedName
        ? carried.fileName
        : lettaAgentName(agent.name),
    system: agent.system,
    // Locus acts on the context window and temperature; the rest is the file's.
    llm_config:
      carriedLlm && typeof carriedLlm === 'object'
        ? { ...carriedLlm, context_window: llm.context_window, temperature: llm.temperature }
        : llm,
    block_ids: agentBlocks.map((b) => String(b.id)),
    tool_ids: agentToolIds,
    in_context_message_ids: context,
    messages: fileMessages,
    metadata: { ...carriedMetadata, locus: extension },
  }).value;

  const rest = carried?.rest;
  return {
    ...(rest?.other ?? {}),
    agents: [agentRecord, ...(rest?.agents ?? []).map((a) => redactSecrets(a).value)],
    groups: rest?.groups ?? [],
    blocks: inFileOrder(
      [...agentBlocks, ...othersBlocks, ...(rest?.blocks ?? [])],
      carried?.order.blocks,
    ),
    files: rest?.files ?? [],
    sources: rest?.sources ?? [],
    tools: inFileOrder(tools, carried?.order.tools),
    mcp_servers: (rest?.mcp_servers ?? []).map((s) => redactSecrets(s).value),
    metadata: rest ? rest.metadata : { exported_by: 'locus' },
    created_at: deps.now().toISOString(),
  };
}
