import readline from 'node:readline';
import { call } from '../../core/host/call';
import type { Core } from '../../core/create-core';
import type { AgentEvent } from '../../shared/contract';
import type { Agent, Message } from '../../shared/entities';
import { parseSurfacedBlock, renderSurfacedMemory } from '../../shared/surfaced-memories';
import { LocusError, serializeError } from '../../shared/errors';
import { formatError, type Output } from '../output';

/** The memories surfacing gave a turn, as lines for stderr. */
function memoryLines(message: Message): string[] {
  const block = parseSurfacedBlock(message.content);
  if (!block) return [];
  return [
    `  [memories] ${block.items.length} surfaced (~${block.tokens} tokens):`,
    ...block.items.map((item) => `    ${renderSurfacedMemory(item)}`),
  ];
}

export interface ChatDisplay {
  /** Show the memories surfaced for each message (--show-memories). */
  showMemories?: boolean;
}

/** Prints a turn as it happens: reply tokens to stdout, memory activity to stderr. */
function turnPrinter(
  output: Output,
  verbose: boolean,
  display: ChatDisplay,
  onMemories: (message: Message | null) => void,
): (event: AgentEvent) => void {
  let streamed = false;
  return (event) => {
    if (event.type === 'message' && event.message.role === 'user') onMemories(null);
    if (event.type === 'message' && event.message.kind === 'memories') onMemories(event.message);
    if (output.json) return;
    switch (event.type) {
      case 'token':
        process.stdout.write(event.text);
        streamed = true;
        break;
      case 'message': {
        if (event.message.kind === 'memories') {
          if (display.showMemories) for (const line of memoryLines(event.message)) output.err(line);
          break;
        }
        const call = event.message.toolCalls?.[0];
        if (call && call.name !== 'send_message') output.err(`  [${call.name}] ${call.arguments}`);
        else if (verbose && event.message.role === 'tool') output.err(`  ${event.message.content}`);
        break;
      }
      case 'summarized':
        output.err(`  [memory] ${event.evicted} older messages summarised; they stay searchable.`);
        break;
      case 'done':
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
  core: Core,
  agent: Agent,
  text: string,
  output: Output,
  turnId: string,
  display: ChatDisplay = {},
  onMemories: (message: Message | null) => void = () => undefined,
): Promise<void> {
  const print = turnPrinter(output, false, display, onMemories);
  const off = core.events.on('agent', (e) => {
    if (e.turnId === turnId) print(e.event);
  });
  try {
    const result = await call(core.handlers, 'chat.send', { agentId: agent.id, text, turnId });
    if (output.json) output.out(JSON.stringify(result));
  } finally {
    off();
  }
}

/** `locus -p "..."`: one turn, reply on stdout, memory saved. */
export async function promptCommand(
  core: Core,
  agent: Agent,
  text: string,
  output: Output,
  display: ChatDisplay = {},
): Promise<void> {
  if (!text.trim()) throw new LocusError('INVALID_INPUT', 'The prompt is empty.');
  await runTurn(core, agent, text, output, `cli-${Date.now()}`, display);
}

/**
 * `locus chat`: a REPL. Ctrl+C stops the reply being generated; at the prompt
 * it (or /exit, or end of input) leaves. Errors are shown and the session goes on.
 */
export async function chatCommand(
  core: Core,
  agent: Agent,
  output: Output,
  display: ChatDisplay = {},
): Promise<void> {
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  const model = core.model;
  output.err(
    `Chatting with ${agent.name} on ${model?.name ?? 'no model'}. /exit to leave, /memories shows what the last reply was given, Ctrl+C stops a reply.`,
  );
  let current: string | null = null;
  let lastMemories: Message | null = null;
  let asked = false;
  let turns = 0;
  rl.on('SIGINT', () => {
    if (current) {
      void call(core.handlers, 'chat.cancel', { turnId: current });
    } else {
      rl.close();
    }
  });
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/exit' || text === '/quit') break;
    if (text === '/memories') {
      if (!asked) output.err('  No message sent yet.');
      else if (!lastMemories) output.err('  [memories] none surfaced for the last message.');
      else for (const line of memoryLines(lastMemories)) output.err(line);
    } else if (text) {
      current = `cli-${Date.now()}-${turns++}`;
      asked = true;
      try {
        await runTurn(core, agent, text, output, current, display, (m) => (lastMemories = m));
      } catch (error) {
        output.err(formatError(serializeError(error)));
      } finally {
        current = null;
      }
    }
    rl.prompt();
  }
  rl.close();
}
