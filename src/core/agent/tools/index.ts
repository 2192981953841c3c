import {
  coreMemoryAppend,
  coreMemoryReplace,
  memoryInsert,
  memoryReplace,
  memoryRethink,
} from './memory-tools';
import { archivalMemoryInsert, archivalMemorySearch, conversationSearch } from './search-tools';
import { sendMessage } from './send-message';
import type { ToolDefinition } from './tool';

/** Every tool Locus implements, by Letta name. Imported agents may list others; those stay inert. */
export const BUILTIN_TOOLS: readonly ToolDefinition[] = [
  sendMessage,
  coreMemoryAppend,
  coreMemoryReplace,
  memoryInsert,
  memoryReplace,
  memoryRethink,
  archivalMemoryInsert,
  archivalMemorySearch,
  conversationSearch,
] as unknown as readonly ToolDefinition[];

/** What happens after a tool runs, as in Letta's tool rules. */
export interface ToolRules {
  /** Ends the turn after it runs. */
  terminal: string[];
  /** Always continues (its result needs the model to act on it). */
  continue: string[];
}

export const DEFAULT_TOOL_RULES: ToolRules = {
  terminal: ['send_message'],
  continue: ['archival_memory_search', 'conversation_search'],
};
