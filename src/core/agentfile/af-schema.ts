import { z } from 'zod';
import { MessageKinds, PassageSourceKinds } from '../../shared/entities';

/**
 * The parts of Letta's Agent File (.af) that Locus reads, with hard limits so
 * a hostile file cannot make the import huge or slow: unknown fields are
 * ignored, known ones must have the right types.
 */
const MAX_TEXT = 1_000_000;
const id = z.string().min(1).max(300);
const text = (max = MAX_TEXT) =>
  z
    .string()
    .max(
      max,
      `a text is too long: Locus takes at most ${max.toLocaleString('en-US')} characters in one; split it into several in the file, or leave it out`,
    );
const nullish = <T extends z.ZodType>(schema: T) => schema.nullish();

const TextPart = z.object({ type: z.string().max(50), text: text().nullish() });

export const AfToolCallSchema = z.object({
  id: id,
  type: z.string().max(50).nullish(),
  function: z.object({
    name: z.string().min(1).max(200),
    // OpenAI sends a JSON string; some writers send the object itself.
    arguments: z.union([text(), z.record(z.string(), z.unknown())]),
  }),
});

export const AfMessageSchema = z.object({
  id: id,
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.union([text(), z.array(TextPart).max(100)]).nullish(),
  name: nullish(z.string().max(200)),
  tool_calls: nullish(z.array(AfToolCallSchema).max(50)),
  tool_call_id: nullish(z.string().max(300)),
  created_at: nullish(z.string().max(64)),
});

export const AfBlockSchema = z.object({
  id: id,
  label: z.string().min(1).max(200),
  value: text(),
  limit: z.number().int().min(1).max(10_000_000).nullish(),
  description: nullish(text(20_000)),
  read_only: z.boolean().nullish(),
});

export const AfToolSchema = z
  .object({
    id: id,
    name: z.string().min(1).max(200),
    tool_type: nullish(z.string().max(100)),
    description: nullish(text(50_000)),
    source_code: nullish(text()),
    json_schema: nullish(z.record(z.string(), z.unknown())),
  })
  .loose();

export const LocusExtensionSchema = z.object({
  formatVersion: z.literal(1),
  /** The agent's exact name; Letta allows fewer characters in `name`. */
  name: z.string().min(1).max(500).optional(),
  model: z.record(z.string(), z.unknown()).optional(),
  /** Memory settings (tool profile, consolidation); invalid values fall back to defaults. */
  memory: z.record(z.string(), z.unknown()).optional(),
  /**
   * An agent's conversations (Letta's file has one context): each lists its
   * messages and its context window by file message id. The file's
   * in_context_message_ids is the most recently active one's.
   */
  conversations: z
    .array(
      z.object({
        name: z.string().min(1).max(500),
        created_at: z.string().max(64),
        messages: z.array(id).max(1_000_000),
        context: z.array(id).max(1_000_000),
        /** False: the user asked not to remember it (absent: remembered). */
        remember: z.boolean().optional(),
      }),
    )
    .max(10_000)
    .optional(),
  /**
   * The file id of the Letta compiled system prompt Locus carried through
   * from an imported file: not part of Locus's history, so left out again.
   */
  systemMessageId: id.optional(),
  /** Locus message kinds that Letta has no field for, by message id. */
  messageKinds: z.record(z.string(), z.enum(MessageKinds)).optional(),
  /**
   * What a search tool's result quoted, by its message id: each quoted
   * message or passage (file ids) and where its item is in the result, so
   * forgetting it after an import still reaches the result.
   */
  messageQuotes: z
    .record(
      z.string(),
      z.record(z.string(), z.tuple([z.number().int().min(0), z.number().int().min(0)])),
    )
    .optional(),
  archival: z
    .array(
      z.object({
        /** The passage's id in this file, so past facts can name their successor. */
        id: id.optional(),
        text: text().min(1),
        tags: z.array(z.string().max(64)).max(32),
        created_at: z.string().max(64),
        source: z.object({
          kind: z.enum(PassageSourceKinds),
          ref: z.string().max(300).nullable(),
        }),
        /** A past fact: the file id of the passage or block that replaced it. */
        superseded_by: z.string().max(300).nullish(),
        valid_until: z.string().max(64).nullish(),
      }),
    )
    .max(1_000_000)
    .optional(),
  /**
   * Changes told before they happen ("Lives in Lyon (from 2027-01)"): the
   * block (file id) and line, the line it will replace on `starts_at`, and
   * the file id of the message that told it.
   */
  upcoming: z
    .array(
      z.object({
        block: id,
        line: text().min(1),
        replaces: text().nullable(),
        starts_at: z.string().max(64),
        message: id.nullable(),
      }),
    )
    .max(10_000)
    .optional(),
});

export const AfAgentSchema = z.object({
  id: id,
  name: z.string().min(1).max(500),
  system: text().nullish(),
  description: nullish(text(20_000)),
  block_ids: z.array(id).max(1000).default([]),
  tool_ids: z.array(id).max(1000).default([]),
  tool_rules: nullish(z.array(z.record(z.string(), z.unknown())).max(1000)),
  in_context_message_ids: z.array(id).max(1_000_000).default([]),
  messages: z.array(AfMessageSchema).max(1_000_000).default([]),
  llm_config: nullish(
    z.object({
      model: nullish(z.string().max(500)),
      context_window: nullish(z.number().int().positive()),
      temperature: nullish(z.number()),
    }),
  ),
  embedding_config: nullish(z.record(z.string(), z.unknown())),
  metadata: nullish(z.record(z.string(), z.unknown())),
});

export const AgentFileSchema = z.object({
  agents: z.array(AfAgentSchema).min(1, 'the file holds no agent').max(100),
  blocks: z.array(AfBlockSchema).max(10_000).default([]),
  tools: z.array(AfToolSchema).max(10_000).default([]),
});

export type AgentFile = z.infer<typeof AgentFileSchema>;
export type AfAgent = z.infer<typeof AfAgentSchema>;
export type AfMessage = z.infer<typeof AfMessageSchema>;
export type LocusExtension = z.infer<typeof LocusExtensionSchema>;
