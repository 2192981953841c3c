import type { ContextInspection, ContextSectionId } from '../../shared/contract';
import { withoutSurfacedBlock } from '../../shared/surfaced-memories';
import type { ChatModel, ChatTurn } from '../models/chat-model';
import { promptBudget } from './message-clip';

/** Which section a `### ` heading of the compiled system turn starts. */
function sectionOf(heading: string): ContextSectionId {
  if (/^### Core memory/i.test(heading)) return 'core_memory';
  if (/^### Summary/i.test(heading)) return 'summary';
  if (/surfac|relevant memor|recalled|might be relevant/i.test(heading)) return 'surfaced';
  return 'instructions';
}

/** The system turn cut at its `### ` headings, each chunk under the section it belongs to. */
export function splitSystemTurn(system: string): Record<ContextSectionId, string> {
  const parts: Record<ContextSectionId, string> = {
    instructions: '',
    core_memory: '',
    summary: '',
    surfaced: '',
    messages: '',
    free: '',
  };
  let current: ContextSectionId = 'instructions';
  for (const line of system.split('\n')) {
    if (line.startsWith('### ')) current = sectionOf(line);
    parts[current] += `${line}\n`;
  }
  return parts;
}

/** About four characters a token: what the UI shows, labelled as an estimate, with no model loaded. */
export function estimateTokens(turns: ChatTurn[]): number {
  return turns.reduce((sum, turn) => sum + Math.ceil(turn.content.length / 4) + 4, 0);
}

export interface InspectContextOptions {
  /** The prompt the next step would send, as the runtime compiles it. */
  prompt: ChatTurn[];
  /** Counts with its tokenizer and chat template when loaded. */
  model: ChatModel | null;
  /** The agent's configured window, used when no model is loaded. */
  contextSize: number;
}

const LABELS: Record<ContextSectionId, string> = {
  instructions: 'Instructions and tools',
  core_memory: 'Core memory',
  summary: 'Summary of earlier messages',
  surfaced: 'Surfaced memories',
  messages: 'Messages',
  free: 'Free space',
};

/**
 * The context window by section, in tokens (what Letta's ADE shows). System
 * sections are counted alone; the template's own overhead is counted with the
 * instructions, so the sections add up to exactly the whole prompt.
 */
export async function inspectContext(options: InspectContextOptions): Promise<ContextInspection> {
  const { prompt, model } = options;
  const count = (turns: ChatTurn[]) =>
    model ? model.countTokens(turns) : Promise.resolve(estimateTokens(turns));
  const piece = async (text: string): Promise<number> =>
    text.trim()
      ? Math.max(
          0,
          (await count([{ role: 'user', content: text }])) -
            (await count([{ role: 'user', content: '' }])),
        )
      : 0;

  const systemTurns = prompt.filter((t) => t.role === 'system');
  const parts = splitSystemTurn(systemTurns[0]?.content ?? '');
  const total = await count(prompt);
  const framing = systemTurns.length > 0 ? await count(systemTurns) : 0;
  const core = await piece(parts.core_memory);
  const summary = await piece(parts.summary);
  const surfacedInSystem = await piece(parts.surfaced);
  // Surfaced memories sit in the user's turn they were found for (so the
  // system turn stays cached): counted apart from the messages they precede.
  let surfacedInTurns = 0;
  for (const turn of prompt) {
    if (turn.role !== 'user') continue;
    const block = turn.content.slice(
      0,
      turn.content.length - withoutSurfacedBlock(turn.content).length,
    );
    surfacedInTurns += await piece(block);
  }
  const contextSize = model?.contextSize ?? options.contextSize;
  const budget = promptBudget(contextSize);
  const tokens: Record<ContextSectionId, number> = {
    instructions: Math.max(0, framing - core - summary - surfacedInSystem),
    core_memory: core,
    summary,
    surfaced: surfacedInSystem + surfacedInTurns,
    messages: Math.max(0, total - framing - surfacedInTurns),
    free: Math.max(0, contextSize - total),
  };
  return {
    contextSize,
    promptBudget: budget,
    counting: model ? 'tokenizer' : 'estimate',
    modelName: model?.name ?? null,
    used: total,
    sections: (Object.keys(LABELS) as ContextSectionId[]).map((id) => ({
      id,
      label: LABELS[id],
      tokens: tokens[id],
    })),
    prompt,
  };
}
