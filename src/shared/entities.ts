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
  createdAt: z.string(),
  updatedAt: z.string(),
  blocks: z.array(BlockSchema),
});
export type Agent = z.infer<typeof AgentSchema>;

export const PassageSourceKinds = ['message', 'capture', 'agent', 'user', 'import'] as const;
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
