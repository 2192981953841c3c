import type { Block } from '../../../shared/entities';
import { defineTool, refusedWhileNotRemembered, type ToolOutcome } from './tool';
import type { ToolContext } from './tool-context';

/**
 * Every block edit the agent makes: refused in a conversation the user asked
 * not to remember, and answered with the block's fill so the model sees how
 * close it is to the limit before its next edit.
 */
async function editBlock(
  ctx: ToolContext,
  done: string,
  edit: () => Promise<Block>,
): Promise<ToolOutcome> {
  const refused = refusedWhileNotRemembered(ctx);
  if (refused) return refused;
  const block = await edit();
  return {
    ok: true,
    message: `${done} "${block.label}" (${block.value.length}/${block.limit} characters).`,
  };
}

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
  run: (args, ctx) =>
    editBlock(ctx, 'Appended to', () =>
      ctx.coreMemory.append(ctx.agentId, args.label, args.content, 'agent', {
        sourceMessageId: ctx.sourceMessageId,
      }),
    ),
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
  run: (args, ctx) =>
    editBlock(ctx, 'Updated', () =>
      ctx.coreMemory.replace(
        ctx.agentId,
        args.label,
        args.old_content,
        args.new_content,
        'agent',
        false,
        { sourceMessageId: ctx.sourceMessageId },
      ),
    ),
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
  run: (args, ctx) =>
    editBlock(ctx, 'Updated', () =>
      ctx.coreMemory.replace(ctx.agentId, args.label, args.old_str, args.new_str, 'agent', true, {
        sourceMessageId: ctx.sourceMessageId,
      }),
    ),
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
  run: (args, ctx) =>
    editBlock(ctx, 'Inserted into', () =>
      ctx.coreMemory.insert(
        ctx.agentId,
        args.label,
        args.new_str,
        args.insert_line ?? -1,
        'agent',
        { sourceMessageId: ctx.sourceMessageId },
      ),
    ),
});

export const memoryRethink = defineTool({
  name: 'memory_rethink',
  description: 'Rewrite a whole memory block, for example to reorganise or condense it.',
  heartbeat: true,
  params: {
    label: { type: 'string', description: 'Label of the block to rewrite.' },
    new_memory: { type: 'string', description: 'The complete new contents of the block.' },
  },
  run: (args, ctx) =>
    editBlock(ctx, 'Rewrote', () =>
      ctx.coreMemory.rewrite(ctx.agentId, args.label, args.new_memory, 'agent', {
        sourceMessageId: ctx.sourceMessageId,
      }),
    ),
});
