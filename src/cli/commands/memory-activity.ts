import { call } from '../../core/host/call';
import type { CallInput, ConsolidationRunResult, Handlers } from '../../shared/contract';
import type { Agent, MemoryActivity } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { intOption, type ParsedCli } from '../args';
import type { Output } from '../output';
import { localMinute } from '../../shared/local-time';
import { tookEffectSentence } from '../../shared/took-effect';

const when = localMinute;

function activityLine(entry: MemoryActivity): string {
  const state = entry.undoneBy !== null ? '  [undone]' : '';
  return `${String(entry.id).padStart(5)}  ${when(entry.at)}  ${entry.actor.padEnd(13)}  ${entry.summary}${state}`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * "3 added to human, 1 corrected, …" for a consolidation run, after the
 * upcoming changes it made current: they need no model and no new message.
 */
export function describeRun(result: ConsolidationRunResult): string {
  const tookEffect = tookEffectSentence(result.tookEffect);
  const messages = describeMessages(result, tookEffect !== null);
  return tookEffect ? `${tookEffect} ${messages}` : messages;
}

function describeMessages(result: ConsolidationRunResult, tookEffect: boolean): string {
  if (result.stopped === 'no_model') {
    return 'No language model is loaded, so nothing was consolidated. Pass --model <id|file.gguf> or choose one with "locus models use".';
  }
  if (result.stopped === 'busy') return 'A turn is under way; consolidation runs after it.';
  const parts = [
    result.added && `${result.added} added to human`,
    result.replaced && `${result.replaced} corrected`,
    result.saved && `${result.saved} saved to archival memory`,
    result.superseded && `${result.superseded} marked as past`,
    result.moved && `${plural(result.moved, 'line')} moved to archival memory`,
  ].filter(Boolean);
  if (result.messages === 0) {
    return tookEffect ? 'No new messages to consolidate.' : 'Nothing new to consolidate.';
  }
  return `Consolidated ${plural(result.messages, 'message')}: ${parts.length ? parts.join(', ') : 'nothing worth keeping'}.${result.stopped === 'aborted' ? ' (Stopped early; the rest follows later.)' : ''}`;
}

/**
 * The memory pipeline's commands: activity (and undo), consolidate,
 * pause/resume, profile, forget. Returns false for a subcommand it does not know.
 */
export async function memoryActivityCommand(
  core: { handlers: Handlers },
  agent: Agent,
  cli: ParsedCli,
  output: Output,
): Promise<boolean> {
  const [, sub, ...rest] = cli.positionals;
  const h = core.handlers;
  const print = (value: unknown, human: () => string): void =>
    output.out(output.json ? JSON.stringify(value, null, 2) : human());

  switch (sub) {
    case 'activity': {
      const undo = intOption(cli.values.undo, 'undo');
      if (undo !== undefined) {
        const done = await call(h, 'activity.undo', { activityId: undo });
        print(done, () => `${done.summary}.`);
        return true;
      }
      const limit = intOption(cli.values.limit, 'limit');
      const entries = await call(h, 'activity.list', {
        agentId: agent.id,
        ...(limit ? { limit } : {}),
      });
      print(entries, () =>
        entries.length === 0
          ? 'No memory changes yet.'
          : [
              `   id  when              who            what`,
              ...entries.map(activityLine),
              '',
              'Undo a change with: locus memory activity --undo <id>',
            ].join('\n'),
      );
      return true;
    }
    case 'consolidate': {
      const result = await call(h, 'consolidation.run', { agentId: agent.id });
      print(result, () => describeRun(result));
      return true;
    }
    case 'pause':
    case 'resume': {
      const updated = await call(h, 'agents.update', {
        agentId: agent.id,
        memory: { consolidation: sub === 'pause' ? 'paused' : 'on' },
      });
      print(updated.memory, () =>
        sub === 'pause'
          ? 'Background consolidation is paused. "locus memory resume" turns it back on.'
          : 'Background consolidation is on.',
      );
      return true;
    }
    case 'profile': {
      const choice = rest[0];
      if (choice !== undefined && choice !== 'small' && choice !== 'letta') {
        throw new LocusError(
          'INVALID_INPUT',
          `Unknown tool profile "${choice}". Use "small" (for 1-4B models) or "letta" (Letta's full tool set).`,
        );
      }
      const updated = choice
        ? await call(h, 'agents.update', { agentId: agent.id, memory: { toolProfile: choice } })
        : agent;
      print(updated.memory, () => `Tool profile: ${updated.memory.toolProfile}.`);
      return true;
    }
    case 'remember': {
      const [state, conversationId] = rest;
      if (state !== 'on' && state !== 'off') {
        throw new LocusError(
          'INVALID_INPUT',
          'Say on or off: locus memory remember off [<conversation id>] keeps a conversation out of memory.',
        );
      }
      // Through handlers only: the core may be the one of the process holding the folder.
      const chosen =
        conversationId ?? (await call(h, 'conversations.list', { agentId: agent.id }))[0]?.id;
      if (!chosen) {
        throw new LocusError(
          'CONVERSATION_NOT_FOUND',
          'This agent has no conversation yet; chat with it first.',
        );
      }
      const conversation = await call(h, 'conversations.setRemember', {
        conversationId: chosen,
        remember: state === 'on',
      });
      print(conversation, () =>
        conversation.remember
          ? `"${conversation.name}" is remembered again.`
          : `"${conversation.name}" is not remembered: its messages stay as history, but nothing from it goes into memory. "locus memory remember on" undoes this.`,
      );
      return true;
    }
    case 'forget': {
      const [kind, first, ...more] = rest;
      const target: CallInput<'memory.forget'>['target'] | null =
        (kind === 'message' || kind === 'passage') && first
          ? { kind, id: first }
          : kind === 'line' && first && more.length > 0
            ? { kind, label: first, line: more.join(' ') }
            : null;
      if (!target) {
        throw new LocusError(
          'INVALID_INPUT',
          'Say what to forget: locus memory forget message <id> | passage <id> | line <label> <text>. "locus memory history --ids" and "locus memory search --ids" show the ids.',
        );
      }
      const report = await call(h, 'memory.forget', { agentId: agent.id, target });
      print(report, () => `Forgotten for good: ${forgottenText(report)}.`);
      return true;
    }
    default:
      return false;
  }
}

/** "3 messages, 1 passage and 1 block line": what a forget took, without the parts it took none of. */
export function forgottenText(report: { messages: number; passages: number; lines: number }) {
  const parts = [
    [report.messages, 'message'],
    [report.passages, 'passage'],
    [report.lines, 'block line'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, word]) => `${n} ${word as string}${n === 1 ? '' : 's'}`);
  if (parts.length === 0) return 'nothing';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
