import type { MemorySettings } from '../../shared/entities';
import { BUILTIN_TOOLS, DEFAULT_TOOL_RULES, type ToolRules } from './tools';
import { SMALL_TOOLS } from './tools/small-tools';
import type { ToolDefinition } from './tools/tool';
import { toolParams } from './response-format';

export type ToolProfileName = MemorySettings['toolProfile'];

/** The tools an agent works with, the rules after each, and how the prompt explains them. */
export interface ToolProfile {
  name: ToolProfileName;
  tools: readonly ToolDefinition[];
  rules: ToolRules;
  /** The prompt's tools section: fixed per profile, so the prompt's prefix stays cacheable. */
  guide: string;
}

const FORMAT =
  'Each step, reply with exactly one JSON object: {"thinking": "<private reasoning>", "tool": "<tool name>", "arguments": {...}}.';

/** Letta's style: every parameter documented on its own line. */
function fullDocs(tools: readonly ToolDefinition[]): string {
  return tools
    .map((tool) => {
      const params = Object.entries(toolParams(tool))
        .map(([name, p]) => `    ${name}${p.optional ? ' (optional)' : ''}: ${p.description}`)
        .join('\n');
      return `- ${tool.name}: ${tool.description}\n${params}`;
    })
    .join('\n');
}

/** One line a tool: its name, its arguments, what it does. */
function shortDocs(tools: readonly ToolDefinition[]): string {
  return tools
    .map((tool) => `- ${tool.name}(${Object.keys(tool.params).join(', ')}): ${tool.description}`)
    .join('\n');
}

const LETTA_GUIDE = [
  FORMAT,
  'Use core_memory_append to add a lasting fact to a block, core_memory_replace to correct one, memory_rethink to rewrite a block; archival_memory_insert saves anything worth keeping, archival_memory_search and conversation_search look things up. When you need another step (for example: search, then answer), set request_heartbeat to true.',
  fullDocs(BUILTIN_TOOLS),
].join('\n\n');

/**
 * Sized for 1-4B models: six tools on one line each and one worked example
 * of a whole turn, in exactly the shape the model must produce.
 */
const SMALL_GUIDE = [
  FORMAT,
  shortDocs(SMALL_TOOLS),
  'After any tool but send_message you get another step. Finish every turn with send_message.',
  `Example. The user says: I adopted a cat called Miso!
{"thinking": "A lasting fact about the user: save it.", "tool": "core_memory_append", "arguments": {"label": "human", "content": "Has a cat called Miso"}}
[core_memory_append result] {"status": "OK", "message": "Appended to \\"human\\"."}
{"thinking": "Saved. Now answer.", "tool": "send_message", "arguments": {"message": "Congratulations on adopting Miso!"}}`,
].join('\n\n');

export const LETTA_PROFILE: ToolProfile = {
  name: 'letta',
  tools: BUILTIN_TOOLS,
  rules: DEFAULT_TOOL_RULES,
  guide: LETTA_GUIDE,
};

export const SMALL_PROFILE: ToolProfile = {
  name: 'small',
  tools: SMALL_TOOLS,
  rules: {
    terminal: ['send_message'],
    continue: SMALL_TOOLS.map((t) => t.name).filter((name) => name !== 'send_message'),
  },
  guide: SMALL_GUIDE,
};

export const TOOL_PROFILES: Record<ToolProfileName, ToolProfile> = {
  small: SMALL_PROFILE,
  letta: LETTA_PROFILE,
};

/** The reply format and every tool's full documentation, with no advice on when to use them. */
export function plainToolGuide(tools: readonly ToolDefinition[]): string {
  return [FORMAT, fullDocs(tools)].join('\n\n');
}

/** A profile with the caller's own tools (tests, embedders of the runtime). */
export function customProfile(tools: readonly ToolDefinition[], rules: ToolRules): ToolProfile {
  return { name: 'letta', tools, rules, guide: plainToolGuide(tools) };
}
