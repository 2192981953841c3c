import type { Agent, Block, Message, Passage } from '../../shared/entities';
import { agentSaid, messageReply } from '../../shared/message-text';
import { parseSurfacedBlock, renderSurfacedBlock } from '../../shared/surfaced-memories';
import { lettaEmbeddingConfig, lettaLlmConfig } from '../agentfile/letta-configs';
import { BUILTIN_TOOLS } from '../agent/tools';

/**
 * Locus entities in the shapes of Letta's REST API (letta-client's
 * AgentState, Block, Passage and LettaMessage types). Ids are Locus's own;
 * they already follow Letta's "agent-…", "block-…", "message-…" style.
 */

export function lettaBlock(block: Block) {
  return {
    id: block.id,
    label: block.label,
    value: block.value,
    limit: block.limit,
    description: block.description || null,
    read_only: block.readOnly,
    metadata: {},
    is_template: false,
    hidden: null,
    tags: [],
    created_at: block.createdAt,
    updated_at: block.updatedAt,
  };
}

const lettaTools = BUILTIN_TOOLS.map((tool) => ({
  id: `tool-locus-${tool.name.replace(/_/g, '-')}`,
  name: tool.name,
  description: tool.description,
  tool_type: tool.name === 'send_message' ? 'letta_core' : 'letta_memory_core',
  tags: ['locus_builtin'],
  source_type: 'python',
  source_code: null,
}));

export function lettaAgent(agent: Agent, embedder: { name: string; dimensions: number }) {
  const blocks = agent.blocks.map(lettaBlock);
  return {
    id: agent.id,
    name: agent.name,
    agent_type: 'memgpt_agent',
    system: agent.system,
    description: null,
    tags: [],
    metadata: {},
    blocks,
    memory: { blocks, file_blocks: [], prompt_template: null, agent_type: 'memgpt_agent' },
    tools: lettaTools,
    tool_rules: [
      { tool_name: 'send_message', type: 'exit_loop' },
      { tool_name: 'archival_memory_search', type: 'continue_loop' },
      { tool_name: 'conversation_search', type: 'continue_loop' },
    ],
    sources: [],
    identities: [],
    identity_ids: [],
    llm_config: lettaLlmConfig(agent.model),
    embedding_config: lettaEmbeddingConfig(embedder),
    model: lettaLlmConfig(agent.model).model,
    embedding: embedder.name,
    created_at: agent.createdAt,
    updated_at: agent.updatedAt,
    message_ids: null,
    enable_sleeptime: false,
    timezone: null,
  };
}

export function lettaPassage(passage: Passage) {
  return {
    id: passage.id,
    agent_id: passage.agentId,
    archive_id: null,
    text: passage.text,
    tags: passage.tags,
    created_at: passage.createdAt,
    updated_at: passage.createdAt,
    embedding: null,
    embedding_config: null,
    metadata: { source: passage.source.kind },
    is_deleted: false,
  };
}

/**
 * One Locus message as Letta's typed messages: an agent step becomes its
 * reasoning plus either an assistant_message (send_message) or a
 * tool_call_message; an assistant message that called no tool is an
 * assistant_message of its content (as Letta lists its own agents' text
 * replies); a send_message return is plumbing Letta hides too.
 */
export function lettaMessages(
  message: Message,
  hideReplyReturns = true,
): Array<Record<string, unknown>> {
  const base = { id: message.id, date: message.createdAt, name: message.name, otid: null };
  if (message.role === 'user') {
    return [{ ...base, message_type: 'user_message', content: message.content }];
  }
  if (message.role === 'system' || message.kind !== 'chat') {
    // The memories surfaced for a turn are stored as JSON; shown as the model read them.
    const surfaced = message.kind === 'memories' ? parseSurfacedBlock(message.content) : null;
    const content = surfaced ? renderSurfacedBlock(surfaced) : message.content;
    return [{ ...base, message_type: 'system_message', content }];
  }
  if (message.role === 'tool') {
    if (hideReplyReturns && message.name === 'send_message') return [];
    let status: 'success' | 'error' = 'success';
    try {
      status =
        (JSON.parse(message.content) as { status?: string }).status === 'OK' ? 'success' : 'error';
    } catch {
      // A plain-text result is a success by default.
    }
    return [
      {
        ...base,
        message_type: 'tool_return_message',
        tool_return: message.content,
        status,
        tool_call_id: message.toolCallId ?? '',
        stdout: null,
        stderr: null,
      },
    ];
  }
  const call = message.toolCalls?.[0];
  if (!call) {
    // No tool called: its content is what it said (a Letta file's reply, a text answer).
    const said = agentSaid(message);
    return said === null ? [] : [{ ...base, message_type: 'assistant_message', content: said }];
  }
  const out: Array<Record<string, unknown>> = [];
  if (message.content.trim()) {
    out.push({
      ...base,
      message_type: 'reasoning_message',
      reasoning: message.content,
      source: 'non_reasoner_model',
    });
  }
  const reply = messageReply(message);
  if (reply !== null) {
    out.push({ ...base, message_type: 'assistant_message', content: reply });
  } else {
    out.push({
      ...base,
      message_type: 'tool_call_message',
      tool_call: { name: call.name, arguments: call.arguments, tool_call_id: call.id },
    });
  }
  return out;
}
