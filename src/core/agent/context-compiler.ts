import type { Agent, Message } from '../../shared/entities';
import { labelledMinute } from '../../shared/local-time';
import { parseSurfacedBlock, renderSurfacedBlock } from '../../shared/surfaced-memories';
import type { ChatTurn } from '../models/chat-model';
import { plainToolGuide } from './tool-profiles';
import type { ToolDefinition } from './tools/tool';

export interface CompileInput {
  agent: Agent;
  /** The in-context messages, oldest first; summaries among them go into the system turn. */
  messages: Message[];
  tools: readonly ToolDefinition[];
  /** The tools section (the agent's tool profile); defaults to Letta-style docs of `tools`. */
  toolGuide?: string;
  now: Date;
  recallCount: number;
  archivalCount: number;
  /** Share of the context window in use after the last compile (0-1), for the pressure warning. */
  pressure?: number;
}

/** Above this share of the window the model is warned, as in MemGPT. */
export const PRESSURE_WARNING = 0.75;

function blocksXml(agent: Agent): string {
  return agent.blocks
    .map((b) => {
      const meta = `chars="${b.value.length}/${b.limit}"${b.readOnly ? ' read_only="true"' : ''}`;
      return `<${b.label} ${meta}>\n${b.description ? `<!-- ${b.description} -->\n` : ''}${b.value}\n</${b.label}>`;
    })
    .join('\n');
}

/** The assistant's past step exactly in the shape the model is asked to produce. */
export function renderStep(message: Message): string {
  const call = message.toolCalls?.[0];
  if (!call) return JSON.stringify({ thinking: message.content });
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = call.arguments;
  }
  return JSON.stringify({ thinking: message.content, tool: call.name, arguments: args });
}

function renderMessage(message: Message): ChatTurn | null {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return { role: 'assistant', content: renderStep(message) };
    case 'tool':
      return { role: 'user', content: `[${message.name ?? 'tool'} result] ${message.content}` };
    case 'system':
      return message.kind === 'summary'
        ? null
        : { role: 'user', content: `[system notice] ${message.content}` };
  }
}

/**
 * Lays the prompt out from most to least stable, so the KV cache of the
 * previous step stays valid as long as possible: instructions and tools, then
 * core memory and the summary (change on edits and evictions), then the
 * messages (append-only), and last a short status line that changes every step.
 */
export function compileContext(input: CompileInput): ChatTurn[] {
  const summaries = input.messages.filter((m) => m.kind === 'summary');
  const summary = summaries.at(-1);
  const system = [
    input.agent.system,
    '### Tools',
    input.toolGuide ?? plainToolGuide(input.tools),
    '### Core memory (always visible; edit it with the memory tools)',
    blocksXml(input.agent),
    ...(summary
      ? ['### Summary of earlier conversation (full text is in recall memory)', summary.content]
      : []),
  ].join('\n\n');

  const turns: ChatTurn[] = [{ role: 'system', content: system }];
  input.messages.forEach((message, i) => {
    if (message.kind === 'memories') return; // rendered with the user's message before it
    const turn = renderMessage(message);
    if (!turn) return;
    const next = input.messages[i + 1];
    const surfaced = message.role === 'user' && next?.kind === 'memories';
    const block = surfaced ? parseSurfacedBlock(next.content) : null;
    // Memories surfaced for a message sit in its own turn, stored with it:
    // later steps render it identically, and the system turn never changes
    // (which would make every turn re-evaluate the whole conversation).
    turns.push(
      block ? { ...turn, content: `${renderSurfacedBlock(block)}\n\n${turn.content}` } : turn,
    );
  });
  const hidden = Math.max(0, input.recallCount - input.messages.length);
  const status = [
    // The user's local time, as every date the model reads (messages, results,
    // memories) and as "yesterday" is resolved; in UTC exactly what it was.
    `Current time: ${labelledMinute(input.now)}.`,
    `${hidden} earlier messages are in recall memory (conversation_search); ${input.archivalCount} passages are in archival memory (archival_memory_search).`,
  ];
  if ((input.pressure ?? 0) >= PRESSURE_WARNING) {
    status.push(
      `Warning: the context window is ${Math.round((input.pressure ?? 0) * 100)}% full. Older messages will soon be summarised and removed from context; save anything important to core or archival memory now.`,
    );
  }
  turns.push({ role: 'system', content: status.join(' ') });
  return turns;
}
