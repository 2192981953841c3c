import { coreMemoryAppend, coreMemoryReplace } from './memory-tools';
import { archivalMemoryInsert, archivalMemorySearch, conversationSearch } from './search-tools';
import { defineTool, type ToolDefinition } from './tool';

/**
 * The small-model profile's tools: Letta's names and behaviour, fewer of
 * them, with only the parameters a 1-4B model needs and one-line
 * descriptions. None takes request_heartbeat: the profile's rules decide
 * (every tool but send_message gets another step), one decision fewer for
 * the model and a smaller grammar.
 */
export const smallSendMessage = defineTool({
  name: 'send_message',
  description: 'Reply to the user. The only text they see; ends your turn.',
  heartbeat: false,
  params: { message: { type: 'string', description: 'Your reply.' } },
  async run(args) {
    return { ok: true, message: 'Sent.', reply: args.message };
  },
});

export const smallCoreMemoryAppend = defineTool({
  name: 'core_memory_append',
  description: 'Add a line to a memory block, e.g. a new fact about the user to "human".',
  heartbeat: false,
  params: {
    label: { type: 'string', description: 'Block label: "human" or "persona".' },
    content: { type: 'string', description: 'The line to add.' },
  },
  run: (args, ctx) => coreMemoryAppend.run(args, ctx),
});

export const smallCoreMemoryReplace = defineTool({
  name: 'core_memory_replace',
  description: 'Change text in a memory block, e.g. a fact that is no longer true.',
  heartbeat: false,
  params: {
    label: { type: 'string', description: 'Block label.' },
    old_content: { type: 'string', description: 'Exact text now in the block.' },
    new_content: { type: 'string', description: 'Text to put instead ("" deletes).' },
  },
  run: (args, ctx) => coreMemoryReplace.run(args, ctx),
});

export const smallArchivalMemoryInsert = defineTool({
  name: 'archival_memory_insert',
  description: 'Save a note to long-term memory.',
  heartbeat: false,
  params: { content: { type: 'string', description: 'The note, clear on its own.' } },
  run: (args, ctx) => archivalMemoryInsert.run({ content: args.content, tags: undefined }, ctx),
});

export const smallArchivalMemorySearch = defineTool({
  name: 'archival_memory_search',
  description: 'Search saved notes and facts.',
  heartbeat: false,
  params: { query: { type: 'string', description: 'What to look for.' } },
  run: (args, ctx) =>
    archivalMemorySearch.run(
      {
        query: args.query,
        tags: undefined,
        start_datetime: undefined,
        end_datetime: undefined,
        page: undefined,
      },
      ctx,
    ),
});

export const smallConversationSearch = defineTool({
  name: 'conversation_search',
  description: 'Search earlier messages with the user.',
  heartbeat: false,
  params: { query: { type: 'string', description: 'Words to look for.' } },
  run: (args, ctx) =>
    conversationSearch.run(
      { query: args.query, start_date: undefined, end_date: undefined, page: undefined },
      ctx,
    ),
});

export const SMALL_TOOLS: readonly ToolDefinition[] = [
  smallSendMessage,
  smallCoreMemoryAppend,
  smallCoreMemoryReplace,
  smallArchivalMemoryInsert,
  smallArchivalMemorySearch,
  smallConversationSearch,
] as unknown as readonly ToolDefinition[];
