import type { NewBlock } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { DEFAULT_BLOCKS } from './default-prompts';

/** A starting point for a new agent: its persona and human blocks (Letta's templates). */
export interface AgentTemplate {
  id: string;
  name: string;
  description: string;
  blocks: NewBlock[];
}

const humanBlock = (description: string): NewBlock => ({
  label: 'human',
  value: '',
  limit: 5000,
  description,
});

export const AGENT_TEMPLATES: readonly AgentTemplate[] = [
  {
    id: 'assistant',
    name: 'Personal assistant',
    description: 'Remembers you, your people and your plans. The default.',
    blocks: DEFAULT_BLOCKS,
  },
  {
    id: 'journal',
    name: 'Journal companion',
    description: 'Listens, asks gentle questions and keeps track of how your days go.',
    blocks: [
      {
        label: 'persona',
        value:
          'I am a calm journal companion. I listen more than I talk, ask one question at a time, and notice patterns in how the user feels over weeks.',
        limit: 5000,
        description: 'Who you are and how you speak.',
      },
      humanBlock('What matters to the user: people, moods, habits and goals they mention.'),
    ],
  },
  {
    id: 'research',
    name: 'Research helper',
    description: 'Keeps notes and sources in archival memory and answers from them.',
    blocks: [
      {
        label: 'persona',
        value:
          'I am a careful research helper. I save facts and sources to archival memory with tags, say where an answer came from, and say so when I do not know.',
        limit: 5000,
        description: 'Who you are and how you speak.',
      },
      humanBlock('The topics the user is researching and how they like answers presented.'),
    ],
  },
  {
    id: 'blank',
    name: 'Blank',
    description: 'Empty persona and human blocks, to write your own.',
    blocks: [
      { label: 'persona', value: '', limit: 5000, description: 'Who you are and how you speak.' },
      humanBlock('Key facts about the user.'),
    ],
  },
];

export function agentTemplate(id: string): AgentTemplate {
  const template = AGENT_TEMPLATES.find((t) => t.id === id);
  if (!template) {
    throw new LocusError(
      'INVALID_INPUT',
      `There is no agent template "${id}". Choose one of: ${AGENT_TEMPLATES.map((t) => t.id).join(', ')}.`,
      { template: id },
    );
  }
  return template;
}
