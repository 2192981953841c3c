import { defineTool, refusedWhileNotRemembered } from './tool';

/** Letta's core-memory editing tools; every edit is bound by the block's limit and read-only flag. */
export const coreMemoryAppend = defineTool({
  name: 'core_memory_append',
  description:
    'Append text to a core memory block (for example "human"). Use it to remember lasting facts.',
  heartbeat: true,
  params: {
    label: {
      type: 'string',
      description: 'Label of the block to edit, e.g. "human" or "persona".',
    },
    content: { type: 'string', description: 'Text to add on a new line.' },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const block = await ctx.coreMemory.append(ctx.agentId, args.label, args.content, 'agent', {
      sourceMessageId: ctx.sourceMessageId,
    });
    return {
      ok: true,
      message: `Appended to "${block.label}" (${block.value.length}/${block.limit} characters).`,
    };
  },
});

export const coreMemoryReplace = defineTool({
  name: 'core_memory_replace',
  description:
    'Replace exact text in a core memory block. To delete text, replace it with an empty string.',
  heartbeat: true,
  params: {
    label: { type: 'string', description: 'Label of the block to edit.' },
    old_content: { type: 'string', description: 'Exact text to find (case-sensitive).' },
    new_content: { type: 'string', description: 'Text to put in its place.' },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const block = await ctx.coreMemory.replace(
      ctx.agentId,
      args.label,
      args.old_content,
      args.new_content,
      'agent',
      false,
      { sourceMessageId: ctx.sourceMessageId },
    );
    return {
      ok: true,
      message: `Updated "${block.label}" (${block.value.length}/${block.limit} characters).`,
    };
  },
});

export const memoryReplace = defineTool({
  name: 'memory_replace',
  description: 'Replace one unique occurrence of text in a memory block.',
  heartbeat: true,
  params: {
    label: { type: 'string', description: 'Label of the block to edit.' },
    old_str: { type: 'string', description: 'Exact text to replace; must appear exactly once.' },
    new_str: { type: 'string', description: 'Replacement text.' },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const block = await ctx.coreMemory.replace(
      ctx.agentId,
      args.label,
      args.old_str,
      args.new_str,
      'agent',
      true,
      { sourceMessageId: ctx.sourceMessageId },
    );
    return {
      ok: true,
      message: `Updated "${block.label}" (${block.value.length}/${block.limit} characters).`,
    };
  },
});

export const memoryInsert = defineTool({
  name: 'memory_insert',
  description: 'Insert text into a memory block at a line number (0 = top; -1 = end).',
  heartbeat: true,
  params: {
    label: { type: 'string', description: 'Label of the block to edit.' },
    new_str: { type: 'string', description: 'Text to insert.' },
    insert_line: {
      type: 'integer',
      description: 'Line to insert before; -1 (default) appends at the end.',
      optional: true,
      min: -1,
    },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const block = await ctx.coreMemory.insert(
      ctx.agentId,
      args.label,
      args.new_str,
      args.insert_line ?? -1,
      'agent',
      { sourceMessageId: ctx.sourceMessageId },
    );
    return {
      ok: true,
      message: `Inserted into "${block.label}" (${block.value.length}/${block.limit} characters).`,
    };
  },
});

export const memoryRethink = defineTool({
  name: 'memory_rethink',
  description: 'Rewrite a whole memory block, for example to reorganise or condense it.',
  heartbeat: true,
  params: {
    label: { type: 'string', description: 'Label of the block to rewrite.' },
    new_memory: { type: 'string', description: 'The complete new contents of the block.' },
  },
  async run(args, ctx) {
    const refused = refusedWhileNotRemembered(ctx);
    if (refused) return refused;
    const block = await ctx.coreMemory.rewrite(ctx.agentId, args.label, args.new_memory, 'agent', {
      sourceMessageId: ctx.sourceMessageId,
    });
    return {
      ok: true,
      message: `Rewrote "${block.label}" (${block.value.length}/${block.limit} characters).`,
    };
  },
});
