import readline from 'node:readline';
import { call } from '../../core/host/call';
import type { CoreAccess } from '../../core/host/connect-core';
import type { AgentEvent } from '../../shared/contract';
import type { Agent, Conversation, Message } from '../../shared/entities';
import { parseSurfacedBlock, renderSurfacedLines } from '../../shared/surfaced-memories';
import { LocusError, serializeError } from '../../shared/errors';
import { toolArgumentsText, toolResult } from '../../shared/tool-call-line';
import { nextActivity, type TurnActivity } from '../../shared/turn-activity';
import { watchConsolidation } from '../consolidation-notices';
import { formatError, type Output } from '../output';
import { terminalText } from '../terminal-text';
import { createWorkingIndicator, type WorkingIndicator } from '../working-indicator';
import { runSlashCommand } from './chat-slash';

/** The memories surfacing gave a turn, as lines for stderr (grouped as the model read them). */
export function memoryLines(message: Message): string[] {
  const block = parseSurfacedBlock(message.content);
  if (!block) return [];
  return [
    `  [memories] ${block.items.length} surfaced (~${block.tokens} tokens):`,
    ...renderSurfacedLines(block).map((line) => `    ${line}`),
  ];
}

export interface ChatDisplay {
  /** Show the memories surfaced for each message (--show-memories). */
  showMemories?: boolean;
}

/** What --show-memories prints for a turn given none: why, when surfacing is off. */
export function noMemoriesLine(agent: Agent): string {
  return agent.model.surfacingTokens === 0
    ? '  [memories] none: surfacing is off (--surfacing-tokens 1000 turns it back on).'
    : '  [memories] none surfaced (nothing stored matched well enough, or it is in the context already).';
}

/**
 * Prints a turn as it happens: reply tokens to stdout; memory activity, one
 * readable line per tool call, and the working indicator to stderr.
 */
function turnPrinter(
  output: Output,
  indicator: WorkingIndicator,
  display: ChatDisplay,
  onMemories: (message: Message | null) => void,
  agent: Agent,
): (event: AgentEvent) => void {
  let streamed = false;
  let surfaced = false;
  let activity: TurnActivity | null = null;
  const calls = new Map<string, string>();
  return (event) => {
    if (event.type === 'message' && event.message.role === 'user') onMemories(null);
    if (event.type === 'message' && event.message.kind === 'memories') onMemories(event.message);
    if (output.json) return;
    activity = nextActivity(activity, event);
    indicator.set(activity);
    switch (event.type) {
      case 'token':
        process.stdout.write(terminalText(event.text));
        streamed = true;
        break;
      case 'message': {
        const { message } = event;
        if (message.kind === 'memories') {
          surfaced = true;
          if (display.showMemories) {
            indicator.clear();
            for (const line of memoryLines(message)) output.err(line);
          }
          break;
        }
        const toolCall = message.toolCalls?.[0];
        if (toolCall && toolCall.name !== 'send_message') {
          indicator.clear();
          calls.set(toolCall.id, toolCall.name);
          const args = toolArgumentsText(toolCall);
          output.err(`  [${toolCall.name}]${args ? ` ${args}` : ''}`);
        } else if (message.role === 'tool' && message.toolCallId && calls.has(message.toolCallId)) {
          const result = toolResult(message);
          if (!result.ok) {
            indicator.clear();
            output.err(`  [${calls.get(message.toolCallId)}] failed: ${result.message}`);
          }
        }
        break;
      }
      case 'summarized':
        indicator.clear();
        output.err(`  [memory] ${event.evicted} older messages summarised; they stay searchable.`);
        break;
      case 'done':
        indicator.stop();
        if (display.showMemories && !surfaced) output.err(noMemoriesLine(agent));
        surfaced = false;
        if (streamed) process.stdout.write('\n');
        else if (event.reply === null && event.stopReason !== 'replied')
          output.err(`  (no reply: ${event.stopReason})`);
        streamed = false;
        break;
      default:
        break;
    }
  };
}

async function runTurn(
  core: CoreAccess,
  agent: Agent,
  text: string,
  output: Output,
  turnId: string,
  conversationId?: string,
  display: ChatDisplay = {},
  onMemories: (message: Message | null) => void = () => undefined,
): Promise<void> {
  const indicator = createWorkingIndicator();
  const print = turnPrinter(output, indicator, display, onMemories, agent);
  const off = core.events.on('agent', (e) => {
    if (e.turnId === turnId) print(e.event);
  });
  try {
    if (!output.json) indicator.set('thinking');
    const result = await call(core.handlers, 'chat.send', {
      agentId: agent.id,
      text,
      turnId,
      ...(conversationId ? { conversationId } : {}),
    });
    if (output.json) output.out(JSON.stringify(result));
  } finally {
    indicator.stop();
    off();
  }
}

/** The conversation a chat continues when none is named: the one last talked in (or a new one). */
async function defaultConversation(core: CoreAccess, agent: Agent): Promise<Conversation> {
  const { conversationId } = await call(core.handlers, 'chat.context', { agentId: agent.id });
  const all = await call(core.handlers, 'conversations.list', { agentId: agent.id });
  const found = all.find((c) => c.id === conversationId);
  if (!found)
    throw new LocusError('CONVERSATION_NOT_FOUND', 'The conversation is gone; try again.');
  return found;
}

/** `locus -p "..."`: one turn, reply on stdout, memory saved. */
export async function promptCommand(
  core: CoreAccess,
  agent: Agent,
  text: string,
  output: Output,
  conversation?: Conversation,
  display: ChatDisplay = {},
): Promise<void> {
  if (!text.trim()) throw new LocusError('INVALID_INPUT', 'The prompt is empty.');
  await runTurn(core, agent, text, output, `cli-${Date.now()}`, conversation?.id, display);
}

/**
 * `locus chat`: a REPL. Ctrl+C stops the reply being generated; at the prompt
 * it (or /exit, or end of input) leaves. Lines starting with "/" are commands
 * for Locus, never sent to the model. Errors are shown and the session goes on.
 */
export async function chatCommand(
  core: CoreAccess,
  agent: Agent,
  output: Output,
  resume?: Conversation,
  display: ChatDisplay = {},
): Promise<void> {
  // Before the prompt opens: lines typed (or piped) meanwhile must not be dropped.
  const { model } = await call(core.handlers, 'status.get', {});
  let conversation = resume ?? (await defaultConversation(core, agent));
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  output.err(
    `Chatting with ${agent.name} on ${model?.name ?? 'no model'}, in "${conversation.name}". /help lists commands, /exit leaves, Ctrl+C stops a reply.`,
  );
  let current: string | null = null;
  let turns = 0;
  // What surfacing gave the last message (/memories); undefined before any.
  let lastMemories: Message | null | undefined;
  rl.on('SIGINT', () => {
    if (current) {
      void call(core.handlers, 'chat.cancel', { turnId: current });
    } else {
      rl.close();
    }
  });
  rl.setPrompt('you> ');
  const stopNotices = await watchConsolidation(core, agent.id, (line) => {
    if (process.stdout.isTTY) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
    }
    output.err(line);
    if (process.stdout.isTTY && current === null) rl.prompt(true);
  });
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text.startsWith('/')) {
      try {
        const outcome = await runSlashCommand(text, {
          core,
          agent,
          output,
          conversation,
          setConversation: (next) => (conversation = next),
          lastMemories: () =>
            lastMemories === undefined
              ? ['  No message sent yet.']
              : lastMemories === null
                ? ['  [memories] none surfaced for the last message.']
                : memoryLines(lastMemories),
        });
        if (outcome === 'exit') break;
      } catch (error) {
        output.err(formatError(serializeError(error)));
      }
    } else if (text) {
      current = `cli-${Date.now()}-${turns++}`;
      try {
        await runTurn(core, agent, text, output, current, conversation.id, display, (m) => {
          lastMemories = m;
        });
      } catch (error) {
        output.err(formatError(serializeError(error)));
      } finally {
        current = null;
      }
    }
    rl.prompt();
  }
  stopNotices();
  rl.close();
}
