import { call } from '../../core/host/call';
import type { CoreAccess } from '../../core/host/connect-core';
import { contextInEffect } from '../../shared/context-in-effect';
import type { Agent, Conversation } from '../../shared/entities';
import type { Output } from '../output';

interface SlashContext {
  /** Here or through the process holding the data folder. */
  core: CoreAccess;
  agent: Agent;
  output: Output;
  conversation: Conversation;
  /** Switches the session to another conversation (after /new). */
  setConversation: (conversation: Conversation) => void;
  /** What memory surfacing gave the last message, as lines to show (/memories). */
  lastMemories?: () => string[];
}

const COMMANDS: Array<[string, string]> = [
  ['/help', 'this list'],
  ['/new [name]', 'start a new conversation (same memory, a fresh context window)'],
  ['/model [id|file.gguf]', 'show the model, or switch to another (and keep it as the default)'],
  ['/memory', 'what the agent always sees (core memory) and how much it has stored'],
  ['/memories', 'the memories surfaced for your last message'],
  ['/exit', 'leave (also /quit, Ctrl+D, or Ctrl+C at the prompt)'],
];

export function slashHelp(): string {
  const width = Math.max(...COMMANDS.map(([name]) => name.length));
  return [
    'Commands (anything else is sent to the agent):',
    ...COMMANDS.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`),
  ].join('\n');
}

/**
 * A line starting with "/" in `locus chat`: a command for Locus, never a
 * message for the model (an unknown one says so instead of being sent).
 */
export async function runSlashCommand(
  line: string,
  context: SlashContext,
): Promise<'exit' | 'handled'> {
  const { core, agent, output } = context;
  const [command = '', ...args] = line.slice(1).split(/\s+/);
  switch (command.toLowerCase()) {
    case 'exit':
    case 'quit':
      return 'exit';
    case 'help':
    case '?':
      output.out(slashHelp());
      return 'handled';
    case 'new': {
      const name = args.join(' ').trim();
      const made = await call(core.handlers, 'conversations.create', {
        agentId: agent.id,
        ...(name ? { name } : {}),
      });
      context.setConversation(made);
      output.out(
        `Started "${made.name}". ${agent.name} still remembers everything; this conversation's context starts empty.`,
      );
      return 'handled';
    }
    case 'model': {
      const choice = args.join(' ').trim();
      if (!choice) {
        const { model } = await call(core.handlers, 'status.get', {});
        output.out(
          model
            ? `Model: ${model.name} (${contextInEffect(model, agent.model.contextSize)}).`
            : 'No model is loaded. Switch with /model <id|file.gguf> (see "locus models list").',
        );
        return 'handled';
      }
      output.err(`Loading ${choice}…`);
      const loaded = await call(core.handlers, 'models.load', { agentId: agent.id, choice });
      output.out(`Now using ${loaded.name} (${contextInEffect(loaded, agent.model.contextSize)}).`);
      return 'handled';
    }
    case 'memories':
      for (const line of context.lastMemories?.() ?? ['  No message sent yet.']) output.err(line);
      return 'handled';
    case 'memory': {
      const blocks = await call(core.handlers, 'blocks.list', { agentId: agent.id });
      const status = await call(core.handlers, 'status.get', { agentId: agent.id });
      const passages = status.agent?.passages ?? 0;
      const messages = status.agent?.messages ?? 0;
      output.out(
        [
          ...blocks.map(
            (b) =>
              `<${b.label}> ${b.value.length}/${b.limit} chars\n${b.value.trim() || '(empty)'}`,
          ),
          `Archival memory: ${passages} passages. Recall memory: ${messages} messages (all conversations). Conversation: "${context.conversation.name}".`,
        ].join('\n\n'),
      );
      return 'handled';
    }
    default:
      output.err(`Unknown command "/${command}". /help lists the commands.`);
      return 'handled';
  }
}
