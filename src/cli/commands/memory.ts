import type { CoreAccess } from '../../core/host/connect-core';
import { call } from '../../core/host/call';
import { MessageRoles, type Agent, type MessageRole } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { isWeakMatch, WEAK_SCORE } from '../../shared/match-strength';
import { localDayRange } from '../../shared/local-days';
import { localMinute } from '../../shared/local-time';
import { pastLabel } from '../../shared/past-facts';
import { memoryActivityCommand } from './memory-activity';
import { historyText } from '../history-line';
import { intOption, listOption, type ParsedCli } from '../args';
import type { Output } from '../output';
import { progressPrinter } from '../output';

function need(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') {
    throw new LocusError('INVALID_INPUT', `Missing ${what}. Run "locus --help" for usage.`);
  }
  return value;
}

/**
 * What was said and what happened, without tool results by default: most are
 * the agent's own bookkeeping (every reply leaves a send_message
 * acknowledgement), and they crowded the matches they sit next to.
 */
const HISTORY_ROLES: MessageRole[] = ['user', 'assistant', 'system'];

function historyRoles(value: string | undefined): MessageRole[] {
  const asked = listOption(value);
  if (!asked || asked.length === 0) return HISTORY_ROLES;
  const unknown = asked.filter((r) => !(MessageRoles as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new LocusError(
      'INVALID_INPUT',
      `Unknown role "${unknown[0]}" in --roles. Use any of ${MessageRoles.join(', ')}, comma-separated.`,
    );
  }
  return asked as MessageRole[];
}

const day = localMinute;

/**
 * Each hit's score, and "weak" beside the weak ones (isWeakMatch), as the
 * app shows them: search lists everything sharing a word with the query,
 * and without its score a straggler reads like a match. Nothing when the
 * query is empty (a filtered list of the newest, not ranked by a match).
 */
function scoreColumns(query: string, hits: ReadonlyArray<{ score: number }>) {
  if (!query.trim()) return { of: (): string => '', note: null };
  const best = Math.max(...hits.map((h) => h.score));
  const anyWeak = hits.some((h) => isWeakMatch(h.score, best));
  return {
    of: (hit: { score: number }): string =>
      `${hit.score.toFixed(2)} ${isWeakMatch(hit.score, best) ? 'weak' : '    '}  `,
    note: !anyWeak
      ? null
      : `Weak: under ${WEAK_SCORE}, or under half the best score; such hits share little with "${query.trim()}".`,
  };
}

export async function memoryCommand(
  core: CoreAccess,
  agent: Agent,
  cli: ParsedCli,
  output: Output,
): Promise<void> {
  const [, sub, ...rest] = cli.positionals;
  const h = core.handlers;
  const { values } = cli;
  const print = (value: unknown, human: () => string): void =>
    output.out(output.json ? JSON.stringify(value, null, 2) : human());
  // What "memory forget message|passage <id>" needs, without reading --json.
  const idColumn = (id: string): string => (values.ids ? `${id}  ` : '');

  switch (sub) {
    case 'blocks': {
      const blocks = await call(h, 'blocks.list', { agentId: agent.id });
      print(blocks, () =>
        blocks
          .map(
            (b) =>
              `<${b.label}> ${b.value.length}/${b.limit} chars${b.readOnly ? ' (read-only)' : ''}\n${b.value || '(empty)'}`,
          )
          .join('\n\n'),
      );
      return;
    }
    case 'set': {
      const label = need(rest[0], 'block label');
      const block = await call(h, 'blocks.setValue', {
        agentId: agent.id,
        label,
        value: rest.slice(1).join(' '),
      });
      print(block, () => `Updated <${block.label}> (${block.value.length}/${block.limit} chars).`);
      return;
    }
    case 'add': {
      const text = need(rest.join(' '), 'text to remember');
      const tags = listOption(values.tags);
      const passage = await call(h, 'archival.insert', {
        agentId: agent.id,
        text,
        ...(tags ? { tags } : {}),
      });
      print(passage, () => `Saved to archival memory (${passage.id}).`);
      return;
    }
    case 'search': {
      const tags = listOption(values.tags);
      // With a tag or date filter an empty query lists the newest matches.
      const filtered = tags !== undefined || values.start !== undefined || values.end !== undefined;
      const query = filtered ? rest.join(' ') : need(rest.join(' '), 'search query');
      const limit = intOption(values.limit, 'limit');
      const offset = intOption(values.offset, 'offset');
      const page = await call(h, 'archival.search', {
        agentId: agent.id,
        query,
        ...(tags ? { tags, tagMode: values['all-tags'] ? 'all' : 'any' } : {}),
        // Days of this machine's time zone, as the times are shown.
        ...localDayRange(values.start ?? '', values.end ?? ''),
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(values.mode ? { mode: values.mode as 'hybrid' | 'vector' | 'text' } : {}),
      });
      const scores = scoreColumns(query, page.items);
      print(page, () =>
        page.items.length === 0
          ? 'No matching passages.'
          : [
              ...page.items.map((p) => {
                const past = pastLabel(p);
                return `${idColumn(p.id)}${day(p.createdAt)}  ${scores.of(p)}${p.tags.length ? `[${p.tags.join(', ')}] ` : ''}${p.snippet}${past ? `  (${past})` : ''}`;
              }),
              ...(scores.note ? [scores.note] : []),
            ].join('\n'),
      );
      return;
    }
    case 'history': {
      const limit = intOption(values.limit, 'limit');
      const offset = intOption(values.offset, 'offset');
      const query = rest.join(' ');
      const page = await call(h, 'recall.search', {
        agentId: agent.id,
        query,
        roles: historyRoles(values.roles),
        // Days of this machine's time zone, as the times are shown.
        ...localDayRange(values.start ?? '', values.end ?? ''),
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
      });
      const scores = scoreColumns(query, page.items);
      print(page, () =>
        page.items.length === 0
          ? 'No matching messages.'
          : [
              ...page.items.map(
                (m) => `${idColumn(m.id)}${day(m.createdAt)}  ${scores.of(m)}${historyText(m)}`,
              ),
              ...(scores.note ? [scores.note] : []),
            ].join('\n'),
      );
      return;
    }
    case 'reembed': {
      // Passages, then messages: one progress line each. The background
      // indexer's own progress (task index-messages) is not this command's.
      const printers = new Map<string, ReturnType<typeof progressPrinter>>();
      const off = core.events.on('progress', (p) => {
        if (p.task !== 'reembed') return;
        const item = p.item ?? 'memory';
        if (!printers.has(item)) printers.set(item, progressPrinter(`Embedding ${item}`));
        printers.get(item)?.(p.done, p.total);
      });
      try {
        const result = await call(h, 'archival.reembed', {});
        print(result, () => `Embedded ${result.embedded} passages and messages.`);
      } finally {
        off();
      }
      return;
    }
    default:
      if (await memoryActivityCommand(core, agent, cli, output)) return;
      throw new LocusError(
        'INVALID_INPUT',
        `Unknown memory command "${sub ?? ''}". Run "locus --help" for usage.`,
      );
  }
}
