import type { Passage } from '../../shared/entities';
import { localDay } from '../../shared/local-time';
import { messageReply } from '../../shared/message-text';
import type { createAgents } from '../memory/agents';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import type { Db } from '../storage/sql';
import { allMessages, allPassages } from './export-agent-file';

// The user's days, as the app and the CLI show them (the .af file keeps instants).
const day = localDay;

/** Passages grouped by tag (untagged last), newest day first within each. */
function byTag(passages: Passage[]): Map<string, Passage[]> {
  const groups = new Map<string, Passage[]>();
  for (const p of passages) {
    for (const tag of p.tags.length > 0 ? p.tags : ['(untagged)']) {
      groups.set(tag, [...(groups.get(tag) ?? []), p]);
    }
  }
  return new Map(
    [...groups.entries()]
      .sort(([a], [b]) => (a === '(untagged)' ? 1 : b === '(untagged)' ? -1 : a.localeCompare(b)))
      .map(([tag, list]) => [tag, list.sort((x, y) => y.createdAt.localeCompare(x.createdAt))]),
  );
}

/** Memory as a person would read it: core blocks, archival passages by tag and date, optionally the conversation. */
export async function exportMarkdown(
  deps: { db: Db; agents: ReturnType<typeof createAgents> },
  agentId: string,
  options: { conversations?: boolean } = {},
): Promise<string> {
  const agent = await deps.agents.get(agentId);
  const lines: string[] = [`# ${agent.name}: memory`, '', '## Core memory', ''];
  for (const block of agent.blocks) {
    lines.push(`### ${block.label}${block.readOnly ? ' (read-only)' : ''}`, '');
    lines.push(block.value.trim() || '_(empty)_', '');
  }
  const passages = await allPassages(deps.db, agentId);
  lines.push('## Archival memory', '');
  if (passages.length === 0) lines.push('_(nothing stored yet)_', '');
  for (const [tag, list] of byTag(passages)) {
    lines.push(`### ${tag}`, '');
    for (const p of list) lines.push(`- ${day(p.createdAt)}: ${p.text.replace(/\n+/g, ' ')}`);
    lines.push('');
  }
  if (options.conversations) {
    lines.push('## Conversations', '');
    const messages = await allMessages(deps.db, agentId);
    // Oldest conversation first, like the messages within each.
    const conversations = (await createConversationsRepo(deps.db).listByAgent(agentId)).sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt),
    );
    for (const conversation of conversations) {
      lines.push(`### ${conversation.name}`, '');
      let current = '';
      for (const m of messages) {
        if (m.conversationId !== conversation.id) continue;
        const text =
          m.role === 'user' ? m.content : m.role === 'assistant' ? (messageReply(m) ?? '') : '';
        if (!text) continue;
        if (day(m.createdAt) !== current) {
          current = day(m.createdAt);
          lines.push(`#### ${current}`, '');
        }
        lines.push(`**${m.role === 'user' ? 'You' : agent.name}:** ${text}`, '');
      }
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
