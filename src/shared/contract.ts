import { z } from 'zod';
import type {
  Agent,
  Block,
  Conversation,
  MemoryActivity,
  Message,
  Page,
  Passage,
  FoundMessage,
  ScoredPassage,
} from './entities';
import type { SerializedError } from './errors';
import type { TookEffectChange } from './took-effect';
import {
  BlockLabelSchema,
  MemorySettingsSchema,
  MessageRoles,
  ModelSettingsSchema,
  NewBlockSchema,
  settingsPatch,
} from './entities';

/**
 * Every call a host (renderer, CLI, HTTP) can make into the core: one zod
 * schema per call for its input, validated once at dispatch, and the type of
 * what it returns. Adding a call means adding it here; transports never change.
 */
const agentId = z.string().min(1).max(200);
const conversationId = z.string().min(1).max(200);
const isoDate = z.string().max(40);
const limit = z.number().int().min(1).max(200).optional();
const offset = z.number().int().min(0).max(1_000_000).optional();
/** A quick note's limit, after trimming (core/capture/captures.ts). */
/** The longest message a turn takes, in characters. */
export const MAX_MESSAGE_CHARS = 100_000;

export const MAX_CAPTURE_CHARS = 100_000;

// zod's own words ("Too big: expected string to have <=2000 characters") read as a bug to a person.
const text = (max: number) =>
  z
    .string()
    .max(
      max,
      `too long: at most ${max.toLocaleString('en-US')} characters; shorten it or split it into parts`,
    );
/**
 * Who makes a memory edit, named by the host that takes it: a person
 * (default), an MCP client, or an API client (OpenAI/Letta). The activity
 * feed shows it; the core never guesses.
 */
const actor = z.enum(['user', 'mcp', 'api']).optional();

export const contract = {
  /** With agentId, also that agent's own counts (a CLI working through another process asks so). */
  'status.get': z.object({ agentId: agentId.optional() }),

  'agents.list': z.object({}),
  'agents.get': z.object({ agentId }),
  'agents.getDefault': z.object({}),
  'agents.create': z.object({
    name: text(200).min(1),
    /** Persona and human blocks from a template (agents.templates); `blocks` wins when both are given. */
    template: text(64).optional(),
    system: text(50_000).optional(),
    model: ModelSettingsSchema.partial().optional(),
    memory: settingsPatch(MemorySettingsSchema).optional(),
    blocks: z.array(NewBlockSchema).max(50).optional(),
  }),
  'agents.update': z.object({
    agentId,
    name: text(200).min(1).optional(),
    system: text(50_000).optional(),
    model: settingsPatch(ModelSettingsSchema).optional(),
    /** The tool profile (small / letta) and whether background consolidation is paused. */
    memory: settingsPatch(MemorySettingsSchema).optional(),
  }),
  'agents.delete': z.object({ agentId }),

  /** An agent's conversations, most recently active first. */
  'conversations.list': z.object({ agentId }),
  'conversations.create': z.object({ agentId, name: text(200).optional() }),
  'conversations.rename': z.object({ conversationId, name: text(200).min(1) }),
  /** Deletes the conversation and what was said in it; the agent's other memory stays. */
  'conversations.delete': z.object({ conversationId }),
  /**
   * "Don't remember" (false): the conversation's messages stay as history but
   * are not consolidated, embedded or searched for the model until set back.
   */
  'conversations.setRemember': z.object({ conversationId, remember: z.boolean() }),

  'blocks.list': z.object({ agentId }),
  'blocks.create': z.object({ agentId, block: NewBlockSchema, actor }),
  'blocks.setValue': z.object({ agentId, label: BlockLabelSchema, value: text(100_000), actor }),
  'blocks.updateSettings': z.object({
    agentId,
    label: BlockLabelSchema,
    limit: z.number().int().min(1).max(100_000).optional(),
    description: text(2000).optional(),
    readOnly: z.boolean().optional(),
  }),
  'blocks.delete': z.object({ agentId, label: BlockLabelSchema, actor }),
  'blocks.history': z.object({ agentId, label: BlockLabelSchema, limit }),
  'blocks.undo': z.object({ agentId, label: BlockLabelSchema }),

  'archival.insert': z.object({
    agentId,
    text: text(100_000).min(1),
    tags: z.array(text(64)).max(32).optional(),
    actor,
  }),
  'archival.search': z.object({
    agentId,
    query: text(2000),
    tags: z.array(text(64)).max(32).optional(),
    tagMode: z.enum(['any', 'all']).optional(),
    start: isoDate.optional(),
    end: isoDate.optional(),
    limit,
    offset,
    mode: z.enum(['hybrid', 'vector', 'text']).optional(),
  }),
  'archival.update': z.object({
    passageId: z.string().min(1),
    text: text(100_000).min(1).optional(),
    tags: z.array(text(64)).max(32).optional(),
    /** When given, a passage of another agent is refused (an API client names both). */
    agentId: agentId.optional(),
    actor,
  }),
  'archival.delete': z.object({
    passageId: z.string().min(1),
    agentId: agentId.optional(),
    actor,
  }),
  'archival.reembed': z.object({}),

  'recall.search': z.object({
    agentId,
    query: text(2000).optional(),
    start: isoDate.optional(),
    end: isoDate.optional(),
    roles: z.array(z.enum(MessageRoles)).optional(),
    limit,
    offset,
    mode: z.enum(['hybrid', 'vector', 'text']).optional(),
    /**
     * Also conversations the user asked not to remember. Defaults to true:
     * the person's own history shows them; a search made for a model (an
     * MCP client's) passes false.
     */
    includeNotRemembered: z.boolean().optional(),
  }),
  /** The newest messages, oldest first: of one conversation, or of all the agent's. */
  'recall.recent': z.object({
    agentId,
    conversationId: conversationId.optional(),
    limit,
    beforeSeq: z.number().int().optional(),
  }),

  /** Every change to the agent's memory, newest first; `before` pages back from an id. */
  'activity.list': z.object({ agentId, limit, before: z.number().int().min(1).optional() }),
  /** Undoes one change (a consolidation pass's own entry undoes the whole pass). */
  'activity.undo': z.object({ activityId: z.number().int().min(1) }),
  /** Consolidates the agent's new messages now (waits for it), even when paused. */
  'consolidation.run': z.object({ agentId }),
  'consolidation.status': z.object({ agentId }),
  /**
   * Forgets a memory and what was derived from it (passages, block lines,
   * vectors), for good; the activity feed keeps only that something was forgotten.
   */
  'memory.forget': z.object({
    agentId,
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('message'), id: z.string().min(1).max(200) }),
      z.object({ kind: z.literal('passage'), id: z.string().min(1).max(200) }),
      z.object({ kind: z.literal('line'), label: BlockLabelSchema, line: text(100_000).min(1) }),
    ]),
  }),

  'chat.send': z.object({
    agentId,
    /** Defaults to the agent's most recently active conversation. */
    conversationId: conversationId.optional(),
    text: z
      .string()
      .min(1)
      .max(
        MAX_MESSAGE_CHARS,
        'the message is too long: one message holds at most 100,000 characters; send it in parts',
      ),
    /** Chosen by the caller so it can cancel the turn while it runs. */
    turnId: z.string().min(1).max(100).optional(),
  }),
  'chat.cancel': z.object({ turnId: z.string().min(1).max(100) }),
  /** The turn running in a conversation, if any: a reloaded page picks it up (Thinking…, Stop). */
  'chat.running': z.object({ agentId, conversationId: conversationId.optional() }),
  'chat.context': z.object({ agentId, conversationId: conversationId.optional() }),
  /**
   * Empties a conversation's context window (default: the agent's most
   * recently used one); every memory tier is kept. The way back from a
   * context that no longer works.
   */
  'chat.resetContext': z.object({ agentId, conversationId: conversationId.optional() }),

  /** A quick note: durable before this returns, stored in archival memory tagged "note". */
  'captures.add': z.object({
    agentId: agentId.optional(),
    // Longer than the core's limit, which applies to the trimmed note; past
    // this one the same words as the core's.
    text: z
      .string()
      .max(
        1_000_000,
        `the note is too long: notes can be at most ${MAX_CAPTURE_CHARS.toLocaleString('en-US')} characters. Split it into parts of at most that and save each`,
      ),
    source: z.enum(['tray', 'app', 'cli', 'mcp']).default('app'),
    /** Besides "note". */
    tags: z.array(text(64).min(1)).max(32).optional(),
  }),

  'agentfile.export': z.object({ agentId }),
  'agentfile.exportMarkdown': z.object({ agentId, conversations: z.boolean().default(false) }),
  /**
   * The text of a Letta Agent File (.af); validated whole before anything is
   * written. Its size is checked by the core, which says AGENT_FILE_INVALID
   * and how large the file is (a zod limit here said only INVALID_INPUT).
   */
  'agentfile.import': z.object({ text: z.string() }),

  'backups.list': z.object({}),
  'backups.create': z.object({}),

  /** The standard APIs on the loopback host (OpenAI, Letta) and the key other tools use. */
  'interfaces.get': z.object({}),
  'interfaces.update': z.object({
    openaiApi: z.boolean().optional(),
    lettaApi: z.boolean().optional(),
    /** Replaces the API key; tools configured with the old one stop working. */
    newApiKey: z.boolean().optional(),
  }),
  /** Which database holds memory now, and which the next start will use. */
  'database.get': z.object({}),
  /**
   * Saves the PostgreSQL server (postgres://…) to keep memory on from the next
   * start, after checking it can be used; null goes back to the embedded
   * database. Memory is not moved: that is `locus db copy`.
   */
  'database.set': z.object({ url: z.string().trim().min(1).max(4000).nullable() }),

  'models.list': z.object({}),
  'models.download': z.object({ id: text(200).min(1) }),
  'models.cancelDownload': z.object({ id: text(200).min(1) }),
  /** Loads a model (catalogue id, .gguf path, or "scripted") and saves it as the agent's choice. */
  'models.load': z.object({ agentId, choice: text(4096).min(1) }),

  // The desktop app (issue 21).
  'agents.templates': z.object({}),
  /** The agent every host opens when none is named (the app's last choice, `locus agents use`). */
  'agents.setDefault': z.object({ agentId }),
  'blocks.rename': z.object({ agentId, label: BlockLabelSchema, newLabel: BlockLabelSchema }),
  /** The context window by section, in tokens, and the compiled prompt. */
  'chat.inspect': z.object({ agentId, conversationId: conversationId.optional() }),
  /** Runs the last user message again; the earlier attempt leaves the context, not history. */
  'chat.retry': z.object({
    agentId,
    conversationId: conversationId.optional(),
    turnId: z.string().min(1).max(100).optional(),
  }),
  /** Downloads the embedding model once; the host then reopens memory with it. */
  'models.downloadEmbedder': z.object({}),
  /** Puts a backup in place of the memory database; hosts that own the core reopen it. */
  'backups.restore': z.object({ file: text(4096).min(1) }),
  'preferences.get': z.object({}),
  'preferences.update': z.object({ onboardingDone: z.boolean().optional() }),
  /** Native dialogs, answered by the Electron shell only (a browser downloads and picks files itself). */
  'dialogs.saveFile': z.object({
    fileName: text(255).min(1),
    text: z.string().max(200 * 1024 * 1024),
  }),
  'dialogs.openFile': z.object({ kind: z.enum(['agentfile', 'gguf']) }),
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<K extends CallName> = z.input<Contract[K]>;
export type ParsedInput<K extends CallName> = z.output<Contract[K]>;

export interface Status {
  dataDir: string | null;
  /** Where memory lives: the embedded database, or a PostgreSQL server (URL shown without its password). */
  database: { backend: 'pglite' | 'postgres'; location: string };
  /** basic: the word-hash fallback, not a model; say so instead of showing its name as one. */
  embedder: { name: string; dimensions: number; kind: 'model' | 'basic' };
  passages: { total: number; pending: number };
  /** Messages waiting are embedded in the background; words find them meanwhile. */
  messages: { total: number; pending: number };
  /** The chat model loaded now, if any. */
  model: LoadedModel | null;
  /** The named agent's archival passages and messages (all its conversations). */
  agent?: { passages: number; messages: number };
}

export interface BlockHistoryItem {
  id: number;
  value: string;
  actor: string;
  createdAt: string;
}

/** What each call resolves to. */
export interface CallOutputs {
  'status.get': Status;
  'agents.list': Agent[];
  'agents.get': Agent;
  'agents.getDefault': Agent;
  'agents.create': Agent;
  'agents.update': Agent;
  'agents.delete': { deleted: true };
  'conversations.list': Conversation[];
  'conversations.create': Conversation;
  'conversations.rename': Conversation;
  'conversations.delete': { deleted: true };
  'conversations.setRemember': Conversation;
  'blocks.list': Block[];
  'blocks.create': Block;
  'blocks.setValue': Block;
  'blocks.updateSettings': Block;
  'blocks.delete': { deleted: true };
  'blocks.history': BlockHistoryItem[];
  'blocks.undo': Block;
  'archival.insert': Passage;
  'archival.search': Page<ScoredPassage>;
  'archival.update': Passage;
  'archival.delete': { deleted: true };
  'archival.reembed': { embedded: number };
  'recall.search': Page<FoundMessage>;
  'recall.recent': Message[];
  'activity.list': MemoryActivity[];
  'activity.undo': MemoryActivity;
  'consolidation.run': ConsolidationRunResult;
  'consolidation.status': ConsolidationStatus;
  'memory.forget': { messages: number; passages: number; lines: number };
  'chat.send': ChatTurnResult;
  'chat.cancel': { cancelled: boolean };
  'chat.running': { turnId: string | null };
  'chat.context': {
    conversationId: string;
    messages: Message[];
    prompt: Array<{ role: string; content: string }>;
  };
  'chat.resetContext': { conversationId: string; removed: number };
  'captures.add': Passage;
  'agentfile.export': { fileName: string; text: string };
  'agentfile.exportMarkdown': { fileName: string; text: string };
  'agentfile.import': AgentFileImportReport;
  'backups.list': BackupInfo[];
  'backups.create': BackupInfo;
  'interfaces.get': InterfaceSettings;
  'interfaces.update': InterfaceSettings;
  'database.get': DatabaseInfo;
  'database.set': DatabaseInfo;
  'models.list': ModelsOverview;
  'models.download': { id: string; path: string; sizeBytes: number };
  'models.cancelDownload': { cancelled: boolean };
  'models.load': LoadedModel;
  'agents.templates': AgentTemplateInfo[];
  'agents.setDefault': Agent;
  'blocks.rename': Block;
  'chat.inspect': ContextInspection;
  'chat.retry': ChatTurnResult;
  'models.downloadEmbedder': { name: string; dimensions: number; reopened: boolean };
  'backups.restore': RestoreResult;
  'preferences.get': Preferences;
  'preferences.update': Preferences;
  'dialogs.saveFile': { path: string | null };
  /** note: how an agent file that was not plain UTF-8 was read (decodeAgentFileBytes). */
  'dialogs.openFile': {
    path: string;
    name: string;
    text: string | null;
    note?: string | null;
  } | null;
}

export interface AgentTemplateInfo {
  id: string;
  name: string;
  description: string;
  blocks: Array<{ label: string; value: string }>;
}

export interface Preferences {
  /** The first-run screen was finished or skipped. */
  onboardingDone: boolean;
}

export interface RestoreResult {
  agents: number;
  messages: number;
  /** Where the replaced database was kept (null if there was none). */
  previous: string | null;
}

export type ContextSectionId =
  'instructions' | 'core_memory' | 'summary' | 'surfaced' | 'messages' | 'free';

export interface ContextInspection {
  /** The conversation whose window this is. */
  conversationId?: string;
  contextSize: number;
  /**
   * What the prompt may take; the rest of the window is kept for the reply.
   * A step whose prompt would pass it first summarises older messages out.
   */
  promptBudget: number;
  /** tokenizer: the loaded model's; estimate: about four characters a token (no model loaded). */
  counting: 'tokenizer' | 'estimate';
  modelName: string | null;
  used: number;
  sections: Array<{ id: ContextSectionId; label: string; tokens: number }>;
  prompt: Array<{ role: string; content: string }>;
}

export interface DatabaseInfo {
  /** What this running Locus keeps memory in. */
  backend: 'pglite' | 'postgres';
  /** The data folder, or the server URL without its password. */
  location: string;
  /** What chose it: --database, LOCUS_DATABASE_URL, the saved setting, or the default. */
  source: 'flag' | 'env' | 'setting' | 'embedded';
  /** The server saved in the setting (password hidden), or null for the embedded database. */
  saved: string | null;
  /** True when the next start will open another database than this one. */
  restartRequired: boolean;
}

/** What one consolidation run did. */
export interface ConsolidationRunResult {
  /** done: all caught up; aborted: a turn started (it resumes later); no_model / busy: did not run. */
  stopped: 'done' | 'aborted' | 'no_model' | 'busy';
  messages: number;
  /** Lines added to the human block, lines corrected, facts saved as passages, passages made past. */
  added: number;
  replaced: number;
  saved: number;
  superseded: number;
  /** Lines moved from a full block to archival memory. */
  moved: number;
  /** Changes told before they happened whose date had come, made current by this run. */
  tookEffect: TookEffectChange[];
}

export interface ConsolidationStatus {
  /** Messages not consolidated yet. */
  pending: number;
  running: boolean;
  paused: boolean;
  lastError: string | null;
}

export interface InterfaceSettings {
  /** /v1/models and /v1/chat/completions on the loopback host. */
  openaiApi: boolean;
  /** The Letta-compatible subset of /v1/agents on the loopback host. */
  lettaApi: boolean;
  /** Accepted as a Bearer token by /v1 and /mcp, across restarts. */
  apiKey: string;
}

export interface BackupInfo {
  file: string;
  kind: 'auto' | 'manual';
  createdAt: string;
  sizeBytes: number;
}

/** What an agent-file import did; `inertTools` were kept as records, never run. */
export interface AgentFileImportReport {
  agentId: string;
  name: string;
  blocks: number;
  messages: number;
  passages: number;
  inertTools: string[];
  notes: string[];
}

export interface ModelInfo {
  id: string;
  label: string;
  path: string;
  downloaded: boolean;
  sizeBytes: number;
  notes: string | null;
  recommended: boolean;
}

/** A loaded chat model and the context it runs with, which may be less than the agent's setting. */
export interface LoadedModel {
  name: string;
  /** Tokens of context in effect. */
  contextSize: number;
  /** The context the model was trained on, when its file says: a larger setting is capped to it. */
  trainedContextSize: number | null;
}

export interface ModelsOverview {
  models: ModelInfo[];
  modelsDir: string | null;
  loaded: LoadedModel | null;
  /** Downloads running now, by model id. */
  downloading: string[];
}

export interface ChatTurnResult {
  turnId: string;
  conversationId: string;
  reply: string | null;
  stopReason: StopReason;
  steps: number;
  usage: TokenUsageReport[];
}

export type CallOutput<K extends CallName> = K extends keyof CallOutputs ? CallOutputs[K] : never;

export type Handlers = { [K in CallName]: (input: ParsedInput<K>) => Promise<CallOutput<K>> };

/** The result shape every transport carries. */
export type CallResult<K extends CallName> =
  { ok: true; value: CallOutput<K> } | { ok: false; error: SerializedError };

export interface TokenUsageReport {
  promptTokens: number;
  evaluatedTokens: number;
  reusedTokens: number;
  completionTokens: number;
}

export type StopReason = 'replied' | 'no_heartbeat' | 'max_steps' | 'cancelled' | 'error';

/** What happens during one agent turn, in order; the UI renders these as they come. */
export type AgentEvent =
  | { type: 'step'; step: number }
  /** The model has chosen this step's tool (its arguments are still being generated). */
  | { type: 'tool'; step: number; name: string }
  | { type: 'token'; text: string }
  | { type: 'message'; message: Message }
  | { type: 'usage'; step: number; usage: TokenUsageReport }
  | { type: 'summarized'; evicted: number; summaryId: string }
  | { type: 'done'; reply: string | null; stopReason: StopReason; steps: number }
  | { type: 'error'; error: SerializedError };

/** Events pushed from the core to whoever listens (renderer, CLI). */
export interface ServerEvents {
  progress: { task: string; phase: string; done: number; total: number; item?: string };
  agent: { agentId: string; conversationId: string; turnId: string; event: AgentEvent };
  /** The agent's memory changed outside a turn (consolidation, undo, forget): views reload. */
  memory: { agentId: string };
  /** Another process sharing the memory server committed these changes; views showing them reload. */
  'memory.changed': { changes: Array<{ table: string; agentId: string | null }> };
}
export type EventName = keyof ServerEvents;
