import path from 'node:path';
import type { Message, Passage } from '../../shared/entities';
import { toolParams } from '../agent/response-format';
import { paramsJsonSchema } from '../agent/tool-schema';
import { BUILTIN_TOOLS, DEFAULT_TOOL_RULES } from '../agent/tools';
import type { createAgents } from '../memory/agents';
import type { Embedder } from '../models/embedder';
import type { Db } from '../storage/sql';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createInertToolsRepo } from '../storage/repos/inert-tools-repo';
import { createMessagesRepo } from '../storage/repos/messages-repo';
import { createPassagesRepo } from '../storage/repos/passages-repo';
import type { LocusExtension } from './af-schema';

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

function letttaMessage(m: Message, id: string, agentId: string) {
  return {
    type: 'message',
    role: m.role,
    content: m.content ? [{ type: 'text', text: m.content }] : [],
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

/**
 * Writes an agent in Letta's Agent File format. Archival passages and Locus's
 * message kinds go in the agent's `metadata.locus` (a free-form field Letta
 * keeps), so a Locus-to-Locus round trip loses nothing. No secrets: Locus
 * stores none, and the environment-variable fields are written empty.
 */
export async function exportAgentFile(deps: ExportDeps, agentId: string) {
  const agent = await deps.agents.get(agentId);
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

  const fileIds = new Map(messages.map((m, i) => [m.id, `message-${i}`]));
  const messageKinds: Record<string, 'summary' | 'event'> = {};
  for (const m of messages) if (m.kind !== 'chat') messageKinds[fileIds.get(m.id)!] = m.kind;

  const builtin = BUILTIN_TOOLS.map((tool, i) => ({
    id: `tool-${i}`,
    name: tool.name,
    tool_type: 'letta_core',
    description: tool.description,
    source_type: 'python',
    source_code: null,
    tags: ['locus_builtin'],
    json_schema: {
      name: tool.name,
      description: tool.description,
      parameters: paramsJsonSchema(toolParams(tool)),
    },
  }));
  const kept = inert.map((tool, i) => ({ ...tool.record, id: `tool-${builtin.length + i}` }));
  const tools = [...builtin, ...kept];

  const extension: LocusExtension = {
    formatVersion: 1,
    // A local path says nothing useful on another machine: keep the file name.
    model: {
      ...agent.model,
      modelPath: agent.model.modelPath ? path.basename(agent.model.modelPath) : null,
    },
    messageKinds,
    conversations: conversations.map((c, i) => ({
      name: c.name,
      created_at: c.createdAt,
      messages: messages.filter((m) => m.conversationId === c.id).map((m) => fileIds.get(m.id)!),
      context: (contexts[i] ?? []).flatMap((id) => fileIds.get(id) ?? []),
    })),
    archival: passages.map((p) => ({
      text: p.text,
      tags: p.tags,
      created_at: p.createdAt,
      // Message references point at the file's message ids, not this database's.
      source: {
        kind: p.source.kind,
        ref: p.source.ref ? (fileIds.get(p.source.ref) ?? p.source.ref) : null,
      },
    })),
  };

  const fileAgentId = 'agent-0';
  return {
    agents: [
      {
        id: fileAgentId,
        name: agent.name,
        description: null,
        system: agent.system,
        agent_type: 'memgpt_agent',
        block_ids: agent.blocks.map((_b, i) => `block-${i}`),
        tool_ids: tools.map((t) => t.id),
        tool_rules: [
          ...DEFAULT_TOOL_RULES.terminal.map((name) => ({ tool_name: name, type: 'exit_loop' })),
          ...DEFAULT_TOOL_RULES.continue.map((name) => ({
            tool_name: name,
            type: 'continue_loop',
          })),
        ],
        tags: [],
        llm_config: {
          model: extension.model?.modelPath ?? null,
          model_endpoint_type: 'llama.cpp',
          model_endpoint: null,
          context_window: agent.model.contextSize,
          temperature: agent.model.temperature,
          put_inner_thoughts_in_kwargs: true,
          handle: null,
        },
        embedding_config: {
          embedding_endpoint_type: 'local',
          embedding_endpoint: null,
          embedding_model: deps.embedder.name,
          embedding_dim: deps.embedder.dimensions,
          embedding_chunk_size: 300,
          handle: null,
        },
        in_context_message_ids: contextIds.flatMap((id) => fileIds.get(id) ?? []),
        messages: messages.map((m) => letttaMessage(m, fileIds.get(m.id)!, fileAgentId)),
        metadata: { locus: extension },
        tool_exec_environment_variables: {},
        secrets: null,
        memory_blocks: [],
        tools: [],
        source_ids: [],
        files_agents: [],
        group_ids: [],
      },
    ],
    groups: [],
    blocks: agent.blocks.map((b, i) => ({
      id: `block-${i}`,
      label: b.label,
      value: b.value,
      limit: b.limit,
      description: b.description,
      read_only: b.readOnly,
      metadata: {},
    })),
    files: [],
    sources: [],
    tools,
    mcp_servers: [],
    metadata: { exported_by: 'locus' },
    created_at: deps.now().toISOString(),
  };
}
