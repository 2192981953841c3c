import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Handlers } from '../../shared/contract';
import { localDayBounds } from '../../shared/local-days';
import { LocusError, serializeError } from '../../shared/errors';
import { call } from '../host/call';
import { findAgent } from '../host/find-agent';
import { formatBlock, formatMessages, formatPassages, isSpoken } from './mcp-format';

export interface LocusMcpOptions {
  /** The core's contract, local or through the owner's host. */
  handlers: Handlers;
  /** Agent used when a tool names none (name or id). Defaults to the default agent. */
  defaultAgent?: string;
  /** Reported to clients. */
  version?: string;
}

const agentArg = z
  .string()
  .max(200)
  .optional()
  .describe('Agent name or id; the default agent when omitted.');
const dateArg = (what: string) =>
  z
    .string()
    .max(40)
    .optional()
    .describe(`${what}, ISO date or datetime, e.g. 2026-03-01 (a day of the user's time zone).`);
const labelArg = z
  .string()
  .min(1)
  .max(64)
  .describe('Core memory block label, e.g. "human" or "persona".');

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** Errors a client's model can act on come back as tool results, not protocol errors. */
async function run(work: () => Promise<string>): Promise<CallToolResult> {
  try {
    return text(await work());
  } catch (error) {
    const { code, message } = serializeError(error);
    return { isError: true, content: [{ type: 'text', text: `${message} (${code})` }] };
  }
}

/**
 * Locus memory as an MCP server: search it, add to it, read and edit core
 * memory, search past conversations, and core blocks as resources. Every
 * call goes through the contract, so it behaves the same over stdio and HTTP,
 * with the folder opened here or held by the app.
 */
export function createLocusMcpServer(options: LocusMcpOptions): McpServer {
  const { handlers } = options;
  const server = new McpServer(
    { name: 'locus', title: 'Locus memory', version: options.version ?? '0.1.0' },
    {
      instructions:
        'Locus is the user\'s private, local long-term memory. Search it before answering questions about the user or past conversations; add durable facts with add_memory; keep stable facts about the user in the "human" core memory block.',
    },
  );
  const agentOf = (wanted: string | undefined) =>
    findAgent(handlers, wanted ?? options.defaultAgent);

  server.registerTool(
    'search_memory',
    {
      title: 'Search memory',
      description:
        "Search the user's long-term memory: archival notes and facts, and past conversations, by meaning and by words. Each result shows when it was written.",
      inputSchema: {
        query: z.string().min(1).max(2000).describe('What to look for, in plain words.'),
        tags: z
          .array(z.string().max(64))
          .max(32)
          .optional()
          .describe('Only archival passages with any of these tags.'),
        start: dateArg('Only memories from this date on'),
        end: dateArg('Only memories up to this date'),
        limit: z.number().int().min(1).max(50).optional().describe('Results per kind (default 8).'),
        agent: agentArg,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      run(async () => {
        const agent = await agentOf(args.agent);
        const limit = args.limit ?? 8;
        const range = localDayBounds(args.start, args.end);
        const archival = await call(handlers, 'archival.search', {
          agentId: agent.id,
          query: args.query,
          limit,
          ...range,
          ...(args.tags?.length ? { tags: args.tags } : {}),
        });
        const recall = await call(handlers, 'recall.search', {
          agentId: agent.id,
          query: args.query,
          roles: ['user', 'assistant'],
          limit,
          ...range,
          // A conversation the user asked not to remember is not memory to a model.
          includeNotRemembered: false,
        });
        const said = recall.items.filter(isSpoken);
        const parts = [
          archival.items.length > 0
            ? `Archival memory:\n${formatPassages(archival.items)}`
            : 'Archival memory: nothing matched.',
          said.length > 0
            ? `Past conversations:\n${formatMessages(said)}`
            : 'Past conversations: nothing matched.',
        ];
        return parts.join('\n\n');
      }),
  );

  server.registerTool(
    'add_memory',
    {
      title: 'Add a memory',
      description:
        'Save a note or fact to the user\'s archival memory (tagged "note" plus any tags given). It is on disk before this returns.',
      inputSchema: {
        text: z.string().min(1).max(100_000).describe('The note, in full sentences.'),
        tags: z.array(z.string().min(1).max(64)).max(32).optional().describe('Extra tags.'),
        agent: agentArg,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (args) =>
      run(async () => {
        const agent = await agentOf(args.agent);
        const passage = await call(handlers, 'captures.add', {
          agentId: agent.id,
          text: args.text,
          source: 'mcp',
          ...(args.tags?.length ? { tags: args.tags } : {}),
        });
        return `Saved to ${agent.name}'s archival memory (${passage.id}), tagged ${passage.tags.join(', ')}.`;
      }),
  );

  server.registerTool(
    'read_core_memory',
    {
      title: 'Read core memory',
      description:
        'Read the core memory blocks the agent always keeps in mind (e.g. "persona", "human"), or one of them.',
      inputSchema: { label: labelArg.optional(), agent: agentArg },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      run(async () => {
        const agent = await agentOf(args.agent);
        const blocks = await call(handlers, 'blocks.list', { agentId: agent.id });
        const chosen = args.label ? blocks.filter((b) => b.label === args.label) : blocks;
        if (args.label && chosen.length === 0) {
          return `${agent.name} has no block "${args.label}". Blocks: ${blocks.map((b) => b.label).join(', ') || 'none'}.`;
        }
        return chosen.map(formatBlock).join('\n\n') || `${agent.name} has no core memory blocks.`;
      }),
  );

  server.registerTool(
    'edit_core_memory',
    {
      title: 'Edit core memory',
      description:
        'Change one core memory block: give `append` to add a line, `old_text` and `new_text` to replace a part, or `value` to rewrite it whole.',
      inputSchema: {
        label: labelArg,
        append: z.string().max(100_000).optional().describe('Text to add as a new line.'),
        old_text: z.string().min(1).max(100_000).optional().describe('Exact text to replace.'),
        new_text: z.string().max(100_000).optional().describe('What replaces old_text.'),
        value: z.string().max(100_000).optional().describe('The whole new content.'),
        agent: agentArg,
      },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    (args) =>
      run(async () => {
        const agent = await agentOf(args.agent);
        const modes = [
          args.append !== undefined,
          args.old_text !== undefined,
          args.value !== undefined,
        ];
        if (modes.filter(Boolean).length !== 1) {
          throw new LocusError(
            'INVALID_INPUT',
            'Give exactly one of append, old_text (with new_text) or value.',
          );
        }
        const blocks = await call(handlers, 'blocks.list', { agentId: agent.id });
        const block = blocks.find((b) => b.label === args.label);
        // Failures throw, so the client sees isError with a code, not a success that says no.
        if (!block) {
          throw new LocusError(
            'BLOCK_NOT_FOUND',
            `${agent.name} has no block "${args.label}". Blocks: ${blocks.map((b) => b.label).join(', ') || 'none'}.`,
          );
        }
        let value: string;
        if (args.value !== undefined) value = args.value;
        else if (args.append !== undefined)
          value = block.value ? `${block.value}\n${args.append}` : args.append;
        else {
          const old = args.old_text ?? '';
          const replacement = args.new_text;
          // Without new_text the old text would silently vanish; "" deletes it on purpose.
          if (replacement === undefined) {
            throw new LocusError(
              'INVALID_INPUT',
              'old_text needs new_text (give "" to delete the text).',
            );
          }
          if (!block.value.includes(old)) {
            throw new LocusError(
              'BLOCK_TEXT_NOT_FOUND',
              `The text to replace is not in <${block.label}>; read it first with read_core_memory.`,
            );
          }
          // A function, so "$&" or "$$" in the new text is kept as written, not read as a pattern.
          value = block.value.replace(old, () => replacement);
        }
        const updated = await call(handlers, 'blocks.setValue', {
          agentId: agent.id,
          label: block.label,
          value,
          actor: 'mcp',
        });
        return `Updated:\n${formatBlock(updated)}`;
      }),
  );

  server.registerTool(
    'search_conversations',
    {
      title: 'Search conversations',
      description:
        'Search everything the user and the agent said to each other, by words and meaning, optionally within dates. Without a query, lists the newest messages in the range.',
      inputSchema: {
        query: z.string().max(2000).optional().describe('What was said; omit to list by date.'),
        start: dateArg('From this date'),
        end: dateArg('Up to this date'),
        role: z.enum(['user', 'assistant']).optional().describe('Only what this side said.'),
        limit: z.number().int().min(1).max(50).optional().describe('Default 10.'),
        agent: agentArg,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      run(async () => {
        const agent = await agentOf(args.agent);
        const page = await call(handlers, 'recall.search', {
          agentId: agent.id,
          ...(args.query ? { query: args.query } : {}),
          ...localDayBounds(args.start, args.end),
          roles: args.role ? [args.role] : ['user', 'assistant'],
          limit: args.limit ?? 10,
          includeNotRemembered: false,
        });
        const said = page.items.filter(isSpoken);
        return said.length > 0 ? formatMessages(said) : 'No matching messages.';
      }),
  );

  server.registerTool(
    'list_agents',
    {
      title: 'List agents',
      description: 'The agents in this Locus, each with its own memory; the default is marked.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      run(async () => {
        const agents = await call(handlers, 'agents.list', {});
        const fallback = await agentOf(undefined);
        return agents
          .map((a) => `- ${a.name} (${a.id})${a.id === fallback.id ? ' [default]' : ''}`)
          .join('\n');
      }),
  );

  server.registerResource(
    'core-memory-block',
    new ResourceTemplate('locus://agents/{agentId}/blocks/{label}', {
      list: async () => {
        const agents = await call(handlers, 'agents.list', {});
        return {
          resources: agents.flatMap((agent) =>
            agent.blocks.map((block) => ({
              uri: blockUri(agent.id, block.label),
              name: `${agent.name}: ${block.label}`,
              description: block.description || `The <${block.label}> core memory block`,
              mimeType: 'text/plain',
            })),
          ),
        };
      },
    }),
    {
      title: 'Core memory block',
      description: "A core memory block: always in the agent's context.",
      mimeType: 'text/plain',
    },
    async (uri, variables) => {
      const agentId = decodeURIComponent(String(variables.agentId));
      const label = decodeURIComponent(String(variables.label));
      const blocks = await call(handlers, 'blocks.list', { agentId }).catch((error: unknown) => {
        if (error instanceof LocusError && error.code === 'AGENT_NOT_FOUND')
          throw resourceNotFound(error.message);
        throw error;
      });
      const block = blocks.find((b) => b.label === label);
      if (!block) throw resourceNotFound(`No block "${label}" for agent ${agentId}.`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: block.value }] };
    },
  );

  return server;
}

/** MCP's "resource not found" (the spec's -32002), not the -32603 internal error any other throw becomes. */
function resourceNotFound(message: string): McpError {
  return new McpError(-32002, message);
}

export function blockUri(agentId: string, label: string): string {
  return `locus://agents/${encodeURIComponent(agentId)}/blocks/${encodeURIComponent(label)}`;
}
