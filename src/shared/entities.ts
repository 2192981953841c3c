import { z } from 'zod';

/** How the agent runs its model; stored with the agent so it moves with exports. */
export const ModelSettingsSchema = z.object({
  /** Path to a GGUF file, or null until the user picks or downloads one. */
  modelPath: z.string().nullable().default(null),
  contextSize: z.number().int().min(512).max(262_144).default(8192),
  threads: z.number().int().min(1).max(256).default(2),
  temperature: z.number().min(0).max(2).default(0.7),
  maxSteps: z.number().int().min(1).max(100).default(8),
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
/** chat: a turn; summary: the recursive summary of evicted turns; event: a system alert. */
export const MessageKinds = ['chat', 'summary', 'event'] as const;
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
});
export type Conversation = z.infer<typeof ConversationSchema>;

export interface Page<T> {
  items: T[];
  /** Pass back as `offset` to get the next page; null when there is none. */
  nextOffset: number | null;
}

export interface ScoredPassage extends Passage {
  score: number;
}
