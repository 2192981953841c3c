/** Tools that change what the agent remembers (core memory blocks or archival passages). */
export const MEMORY_EDIT_TOOLS: ReadonlySet<string> = new Set([
  'core_memory_append',
  'core_memory_replace',
  'memory_replace',
  'memory_insert',
  'memory_rethink',
  'archival_memory_insert',
]);

/** Tools that look things up in memory. */
export const MEMORY_SEARCH_TOOLS: ReadonlySet<string> = new Set([
  'archival_memory_search',
  'conversation_search',
]);
