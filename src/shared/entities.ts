import { z } from 'zod';

/** How the agent runs its model; stored with the agent so it moves with exports. */
export const ModelSettingsSchema = z.object({
  /** Path to a GGUF file, or null until the user picks or downloads one. */
  modelPath: z.string().nullable().default(null),
  contextSize: z.number().int().min(512).max(262_144).default(8192),
  threads: z.number().int().min(1).max(256).default(2),
  temperature: z.number().min(0).max(2).default(0.7),
  maxSteps: z.number().int().min(1).max(100).default(8),
  /**
   * Memories given to the model with each user message (memory surfacing),
   * at most this many tokens (estimated); 0 turns surfacing off.
   */
  surfacingTokens: z.number().int().min(0).max(8000).default(1000),
});
export type ModelSettings = z.infer<typeof ModelSettingsSchema>;

/**
 * How the harness carries the agent's memory; stored with the agent.
 * `toolProfile`: "small" gives 1-4B models a few short tools and a worked
 * example; "letta" gives Letta's full memory tool set. `consolidation`:
 * "paused" stops background consolidation until set back to "on".
 */
export const MemorySettingsSchema = z.object({
  toolProfile: z.enum(['small', 'letta']).default('small'),
  consolidation: z.enum(['on', 'paused']).default('on'),
});
export type MemorySettings = z.infer<typeof MemorySettingsSchema>;

/**
 * A settings object's patch: every field optional and no default filled in.
 * zod's partial() keeps defaults, so a patch of one field reset the others.
 */
export function settingsPatch<T extends Record<string, z.ZodDefault<z.ZodType>>>(
  schema: z.ZodObject<T>,
) {
  return z.object(
    Object.fromEntries(
      Object.entries(schema.shape).map(([key, field]) => [key, field.removeDefault().optional()]),
    ) as { [K in keyof T]: z.ZodOptional<ReturnType<T[K]['removeDefault']>> },
  );
}

export const BlockSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  label: z.string(),
  value: z.string(),
  limit: z.number().int().positive(),
  description: z.string(),
  readOnly: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Block = z.infer<typeof BlockSchema>;

/** Block labels are used as tool arguments and XML-ish tags in the prompt. */
export const BlockLabelSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z][a-z0-9_]*$/,
    'use lowercase letters, digits and underscores, starting with a letter',
  );

export const NewBlockSchema = z.object({
  label: BlockLabelSchema,
  value: z.string().default(''),
  limit: z.number().int().min(1).max(100_000).default(5000),
  description: z.string().max(2000).default(''),
  readOnly: z.boolean().default(false),
});
export type NewBlock = z.input<typeof NewBlockSchema>;

export const AgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  system: z.string(),
  model: ModelSettingsSchema,
  memory: MemorySettingsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  blocks: z.array(BlockSchema),
});
export type Agent = z.infer<typeof AgentSchema>;

/** block: a core-memory line moved to archival (replaced by a newer fact, or over the block's limit). */
export const PassageSourceKinds = [
  'message',
  'capture',
  'agent',
  'user',
  'import',
  'block',
] as const;
export const PassageSourceSchema = z.object({
  kind: z.enum(PassageSourceKinds),
  /** Which message, capture or imported item the text came from. */
  ref: z.string().nullable().default(null),
});
export type PassageSource = z.infer<typeof PassageSourceSchema>;

export const PassageSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  text: z.string(),
  tags: z.array(z.string()),
  source: PassageSourceSchema,
  createdAt: z.string(),
  /** False until the current embedder has embedded it (after a switch, or if embedding failed). */
  embedded: z.boolean(),
  /**
   * Set when a newer fact replaced this one: the id of the newer passage, or
   * of the core-memory block ("block-…") that holds the newer version. The
   * passage is then a past fact, kept with the date it stopped being true.
   */
  supersededBy: z.string().nullable(),
  /** When this stopped being true (ISO), or null while it is current. */
  validUntil: z.string().nullable(),
});
export type Passage = z.infer<typeof PassageSchema>;

export const MessageRoles = ['system', 'user', 'assistant', 'tool'] as const;
export type MessageRole = (typeof MessageRoles)[number];
/**
 * chat: a turn; summary: the recursive summary of evicted turns; event: a
 * system alert; memories: what memory surfacing gave the user message just
 * before it (shared/surfaced-memories.ts).
 */
export const MessageKinds = ['chat', 'summary', 'event', 'memories'] as const;
export type MessageKind = (typeof MessageKinds)[number];

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** JSON text of the arguments exactly as the model produced them. */
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  /** The conversation it was said in; recall memory spans all of an agent's conversations. */
  conversationId: z.string(),
  seq: z.number().int(),
  role: z.enum(MessageRoles),
  kind: z.enum(MessageKinds),
  content: z.string(),
  toolCalls: z.array(ToolCallSchema).nullable(),
  toolCallId: z.string().nullable(),
  name: z.string().nullable(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof MessageSchema>;

/**
 * One thread of talk with an agent: its own context window and summary. Core,
 * archival and recall memory are the agent's, shared by all its conversations.
 */
export const ConversationSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When its newest message was written; null while it has none. */
  lastMessageAt: z.string().nullable(),
  /**
   * False for "don't remember": its messages stay as history but are not
   * consolidated, embedded or searched for the model, and the agent's memory
   * tools save nothing from it, until it is remembered again.
   */
  remember: z.boolean(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export interface Page<T> {
  items: T[];
  /** Pass back as `offset` to get the next page; null when there is none. */
  nextOffset: number | null;
}

/** What a search result carries besides the item itself. */
export interface SearchHit {
  /**
   * Relevance, higher is better. Results under the search's relevance floor
   * are never returned, so a query that matches nothing returns nothing.
   */
  score: number;
  /**
   * The part of the text that matched, at most a few hundred characters: the
   * whole text when it is short, else the window holding most of the query's
   * words (the beginning when the match was by meaning alone), with "…"
   * where text was left out.
   */
  snippet: string;
}

export interface ScoredPassage extends Passage, SearchHit {}

export interface ScoredMessage extends Message, SearchHit {}

/** A message as the recall.search call finds it. */
export interface FoundMessage extends ScoredMessage {
  /**
   * Set when every fact kept from the message was replaced ("I live in
   * Paris." after the move to Lyon): the date the last one stopped being
   * true, shown "until …" as a past fact is. Null while one is current, or
   * when none was kept.
   */
  until: string | null;
}

/** Who changed memory. Hosts name themselves (mcp, api); the core never infers it. */
export const MemoryActors = ['agent', 'user', 'import', 'consolidation', 'mcp', 'api'] as const;
export type MemoryActor = (typeof MemoryActors)[number];

/** One change to an agent's memory, as the activity feed shows it. */
export interface MemoryActivity {
  id: number;
  agentId: string;
  at: string;
  actor: MemoryActor;
  /** What kind of change, e.g. block.append, passage.delete, consolidate, forget, undo. */
  action: string;
  target: {
    kind: 'block' | 'passage' | 'message' | 'agent' | 'conversation';
    id: string | null;
    label: string | null;
  };
  /** What changed, for a person to read (no text once forgotten). */
  summary: string;
  /** Changes made together (one consolidation pass) share it; the pass's own entry undoes them all. */
  batchId: string | null;
  undoable: boolean;
  /** The activity that undid this one. */
  undoneBy: number | null;
}
