import { z } from 'zod';
import type { Block, Message } from '../../shared/entities';
import { storable } from '../text';

/**
 * What Locus keeps of an imported Agent File only to give it back: the
 * agent's record minus what Locus stores itself, the file's own records of
 * its blocks, tools and messages, and everything else in the file (other
 * agents, groups, files, sources, MCP servers). Locus runs its own loop and
 * tools; these say what the file's author meant, for Letta or the next tool.
 */

const Json = z.record(z.string(), z.unknown());

export const CarriedRecordSchema = z.object({
  formatVersion: z.literal(1),
  /** Written by Locus: its embedding_config described Locus's embedder, which may have changed. */
  locusFile: z.boolean(),
  /** The agent's id in the file ("agent-0"), kept so references to it stay valid. */
  agentFileId: z.string(),
  /** The file's name for the agent, and the one Locus gave it (taken or unsafe names change). */
  fileName: z.string(),
  importedName: z.string(),
  /** The agent record without id, name, system, block_ids, tool_ids, messages, context. */
  agent: Json,
  /** The agent's blocks: file id, the label Locus gave it, what Locus stored, the file's record. */
  blocks: z.array(
    z.object({
      fileId: z.string(),
      label: z.string(),
      stored: z.object({
        value: z.string(),
        limit: z.number(),
        description: z.string(),
        readOnly: z.boolean(),
      }),
      record: Json,
    }),
  ),
  /** The agent's tools as the file described them, in tool_ids order. */
  tools: z.array(Json),
  /**
   * The file's messages by the Locus message made from each: the file id,
   * what Locus stored (to tell whether it changed since) and the record,
   * without `content` when Locus's text renders it back exactly.
   */
  messages: z.array(
    z.object({
      locusId: z.string(),
      fileId: z.string(),
      stored: z.string(),
      record: Json,
      contentKept: z.boolean(),
    }),
  ),
  /** Letta's compiled system prompt message, which Locus leaves out of its history. */
  systemMessage: Json.nullable(),
  /** in_context_message_ids as in the file, and the Locus context made from it. */
  context: z.object({ fileIds: z.array(z.string()), locusIds: z.array(z.string()) }),
  /** The order of the file's blocks and tools, by id, which export keeps. */
  order: z.object({ blocks: z.array(z.string()), tools: z.array(z.string()) }),
  /** Everything else, as in the file. */
  rest: z.object({
    agents: z.array(Json),
    groups: z.array(z.unknown()),
    blocks: z.array(Json),
    tools: z.array(Json),
    files: z.array(z.unknown()),
    sources: z.array(z.unknown()),
    mcp_servers: z.array(z.unknown()),
    metadata: z.unknown(),
    other: Json,
  }),
});
export type CarriedRecord = z.infer<typeof CarriedRecordSchema>;

/** Fields of the agent record that Locus keeps in its own tables (or rebuilds). */
const AGENT_OWN = new Set([
  'id',
  'name',
  'system',
  'block_ids',
  'tool_ids',
  'messages',
  'in_context_message_ids',
]);
const TOP_LEVEL = new Set([
  'agents',
  'groups',
  'blocks',
  'files',
  'sources',
  'tools',
  'mcp_servers',
  'metadata',
  'created_at',
]);

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** What Locus stored of a message, to tell on export whether it changed since the import. */
export function storedFingerprint(
  m: Pick<Message, 'role' | 'content' | 'toolCalls' | 'toolCallId' | 'name' | 'createdAt'>,
): string {
  return JSON.stringify([m.role, m.content, m.toolCalls, m.toolCallId, m.name, m.createdAt]);
}

/** How the exporter writes a text: as one text part, or none. */
export function textContent(text: string): Array<{ type: 'text'; text: string }> {
  return text ? [{ type: 'text', text }] : [];
}

export interface CaptureInput {
  /** The decoded file, before validation dropped what Locus does not read. */
  raw: unknown;
  locusFile: boolean;
  importedName: string;
  /** Blocks Locus made, by file block id. */
  blocks: Map<string, Pick<Block, 'label' | 'value' | 'limit' | 'description' | 'readOnly'>>;
  /** Messages Locus made: the file's message index and what was stored. */
  messages: Array<{
    index: number;
    stored: Pick<
      Message,
      'id' | 'role' | 'content' | 'toolCalls' | 'toolCallId' | 'name' | 'createdAt'
    >;
  }>;
  /** The file's compiled system message, when Locus left it out. */
  systemMessageIndex: number | null;
  /** The Locus context made from the file's in_context_message_ids. */
  contextLocusIds: string[];
  /** Blanks keys and tokens; every record passes through it before it is stored. */
  blank: <T>(value: T) => T;
}

/** The carried record of the file's first agent (the one Locus imports). */
export function captureCarried(input: CaptureInput): CarriedRecord | null {
  const raw = input.raw;
  if (!isRecord(raw)) return null;
  const agents = records(raw.agents);
  const agent = agents[0];
  if (!agent) return null;
  const rawMessages = records(agent.messages);
  const blockIds = new Set(input.blocks.keys());
  const toolIds = (Array.isArray(agent.tool_ids) ? agent.tool_ids : []).map(String);
  const toolsById = new Map(records(raw.tools).map((t) => [String(t.id), t]));
  const blocksById = new Map(records(raw.blocks).map((b) => [String(b.id), b]));

  const carried: CarriedRecord = {
    formatVersion: 1,
    locusFile: input.locusFile,
    agentFileId: String(agent.id),
    fileName: String(agent.name),
    importedName: input.importedName,
    agent: Object.fromEntries(Object.entries(agent).filter(([key]) => !AGENT_OWN.has(key))),
    blocks: [...input.blocks].flatMap(([fileId, block]) => {
      const record = blocksById.get(fileId);
      const { label, value, limit, description, readOnly } = block;
      return record
        ? [{ fileId, label, stored: { value, limit, description, readOnly }, record }]
        : [];
    }),
    tools: toolIds.flatMap((id): Json[] => {
      const tool = toolsById.get(id);
      return tool ? [tool] : [];
    }),
    messages: input.messages.flatMap(({ index, stored }) => {
      const record = rawMessages[index];
      if (!record) return [];
      const contentKept =
        JSON.stringify(record.content ?? []) !== JSON.stringify(textContent(stored.content));
      const { content, ...rest } = record;
      return [
        {
          locusId: stored.id,
          fileId: String(record.id),
          stored: storedFingerprint(stored),
          record: contentKept ? { ...rest, content } : rest,
          contentKept,
        },
      ];
    }),
    systemMessage:
      input.systemMessageIndex === null ? null : (rawMessages[input.systemMessageIndex] ?? null),
    context: {
      fileIds: (Array.isArray(agent.in_context_message_ids)
        ? agent.in_context_message_ids
        : []
      ).map(String),
      locusIds: input.contextLocusIds,
    },
    order: {
      blocks: records(raw.blocks).map((b) => String(b.id)),
      tools: records(raw.tools).map((t) => String(t.id)),
    },
    rest: {
      agents: agents.slice(1),
      groups: Array.isArray(raw.groups) ? raw.groups : [],
      // The agent's own blocks and tools are above; these belong to the others.
      blocks: records(raw.blocks).filter((b) => !blockIds.has(String(b.id))),
      tools: records(raw.tools).filter((t) => !toolIds.includes(String(t.id))),
      files: Array.isArray(raw.files) ? raw.files : [],
      sources: Array.isArray(raw.sources) ? raw.sources : [],
      mcp_servers: Array.isArray(raw.mcp_servers) ? raw.mcp_servers : [],
      metadata: raw.metadata ?? {},
      other: Object.fromEntries(Object.entries(raw).filter(([key]) => !TOP_LEVEL.has(key))),
    },
  };
  // As the import stored its text: without NUL, half an emoji as U+FFFD.
  return input.blank(storable(carried) as CarriedRecord);
}

/** A stored record, if it is one this Locus can read; anything else exports natively. */
export function readCarried(value: unknown): CarriedRecord | null {
  const parsed = CarriedRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
