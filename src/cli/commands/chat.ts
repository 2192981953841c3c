import readline from 'node:readline';
import { call } from '../../core/host/call';
import type { CoreAccess } from '../../core/host/connect-core';
import type { AgentEvent } from '../../shared/contract';
import type { Agent } from '../../shared/entities';
import { LocusError, serializeError } from '../../shared/errors';
import { formatError, type Output } from '../output';

/** Prints a turn as it happens: reply tokens to stdout, memory activity to stderr. */
function turnPrinter(output: Output, verbose: boolean): (event: AgentEvent) => void {
  let streamed = false;
  return (event) => {
    if (output.json) return;
    switch (event.type) {
      case 'token':
        process.stdout.write(event.text);
        streamed = true;
        break;
      case 'message': {
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
  core: CoreAccess,
  agent: Agent,
  text: string,
  output: Output,
  verbose: boolean,
  turnId: string,
): Promise<void> {
  const print = turnPrinter(output, verbose);
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
  core: CoreAccess,
  agent: Agent,
  text: string,
  output: Output,
): Promise<void> {
  if (!text.trim()) throw new LocusError('INVALID_INPUT', 'The prompt is empty.');
  await runTurn(core, agent, text, output, false, `cli-${Date.now()}`);
}

/**
 * `locus chat`: a REPL. Ctrl+C stops the reply being generated; at the prompt
 * it (or /exit, or end of input) leaves. Errors are shown and the session goes on.
 */
export async function chatCommand(core: CoreAccess, agent: Agent, output: Output): Promise<void> {
  // Before the prompt opens: lines typed (or piped) meanwhile must not be dropped.
  const { model } = await call(core.handlers, 'status.get', {});
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  output.err(
    `Chatting with ${agent.name} on ${model?.name ?? 'no model'}. /exit to leave, Ctrl+C stops a reply.`,
  );
  let current: string | null = null;
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
    if (text) {
      current = `cli-${Date.now()}-${turns++}`;
      try {
        await runTurn(core, agent, text, output, false, current);
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
