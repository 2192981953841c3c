import type { Handlers } from '../../shared/contract';
import { call } from '../../core/host/call';
import type { Agent, Conversation } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { localMinute } from '../../shared/local-time';
import type { ParsedCli } from '../args';
import type { Output } from '../output';

const day = (iso: string | null): string => (iso ? localMinute(iso) : 'no messages yet');

/** A conversation of the agent by exact id or name; the error lists the names there are. */
export async function findConversation(
  core: { handlers: Handlers },
  agent: Agent,
  wanted: string,
): Promise<Conversation> {
  const all = await call(core.handlers, 'conversations.list', { agentId: agent.id });
  const found = all.find((c) => c.id === wanted || c.name === wanted);
  if (!found) {
    const names = all.map((c) => `"${c.name}"`).join(', ') || 'none yet';
    throw new LocusError(
      'CONVERSATION_NOT_FOUND',
      `${agent.name} has no conversation "${wanted}". Conversations: ${names}.`,
    );
  }
  return found;
}

function need(value: string | undefined, usage: string): string {
  if (!value?.trim()) throw new LocusError('INVALID_INPUT', `Usage: ${usage}`);
  return value.trim();
}

/** `locus conversations …`: list, new, rename, delete (resume with chat --conversation). */
export async function conversationsCommand(
  core: { handlers: Handlers },
  agent: Agent,
  cli: ParsedCli,
  output: Output,
): Promise<void> {
  const [, sub = 'list', ...rest] = cli.positionals;
  const h = core.handlers;
  switch (sub) {
    case 'list': {
      const all = await call(h, 'conversations.list', { agentId: agent.id });
      if (output.json) {
        output.out(JSON.stringify(all));
        return;
      }
      if (all.length === 0) {
        output.out(`${agent.name} has no conversations yet; "locus chat" starts one.`);
        return;
      }
      all.forEach((c, i) =>
        output.out(
          `${i === 0 ? '*' : ' '} ${c.name.padEnd(24)} ${day(c.lastMessageAt).padEnd(16)}  (${c.id})`,
        ),
      );
      output.out(
        '\n* continues by default; resume another with: locus chat --conversation "<name>"',
      );
      return;
    }
    case 'new': {
      const name = rest.join(' ').trim();
      const made = await call(h, 'conversations.create', {
        agentId: agent.id,
        ...(name ? { name } : {}),
      });
      output.out(
        output.json
          ? JSON.stringify(made)
          : `Started "${made.name}". It continues by default now; talk with: locus chat`,
      );
      return;
    }
    case 'rename': {
      const [from, ...to] = rest;
      const usage = 'locus conversations rename <name|id> <new name>';
      const conversation = await findConversation(core, agent, need(from, usage));
      const renamed = await call(h, 'conversations.rename', {
        conversationId: conversation.id,
        name: need(to.join(' '), usage),
      });
      output.out(
        output.json
          ? JSON.stringify(renamed)
          : `Renamed "${conversation.name}" to "${renamed.name}".`,
      );
      return;
    }
    case 'delete': {
      const conversation = await findConversation(
        core,
        agent,
        need(rest.join(' '), 'locus conversations delete <name|id> --yes'),
      );
      if (!cli.values.yes) {
        throw new LocusError(
          'INVALID_INPUT',
          `Deleting "${conversation.name}" removes what was said in it for good (${agent.name}'s core and archival memory stay). Run again with --yes.`,
        );
      }
      await call(h, 'conversations.delete', { conversationId: conversation.id });
      output.out(
        output.json
          ? JSON.stringify({ deleted: conversation.id })
          : `Deleted "${conversation.name}".`,
      );
      return;
    }
    default:
      throw new LocusError(
        'INVALID_INPUT',
        `Unknown conversations command "${sub}". Use list, new, rename or delete.`,
      );
  }
}
