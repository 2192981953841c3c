import type { AgentEvent, StopReason, TokenUsageReport } from '../../shared/contract';
import type { Agent, Message } from '../../shared/entities';
import { LocusError, isLocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { Agents } from '../memory/agents';
import type { ArchivalMemory } from '../memory/archival-memory';
import type { Conversations } from '../memory/conversations';
import type { CoreMemory } from '../memory/core-memory';
import type { NewMessageInput, RecallMemory } from '../memory/recall-memory';
import type { Surfacing } from '../memory/surfacing/surfacing';
import type { ChatModel, ChatTurn } from '../models/chat-model';
import type { MemoryCounts } from '../storage/repos/agents-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import type { AutoAnalyze } from '../storage/auto-analyze';
import type { Db } from '../storage/sql';
import { createContextCache } from './context-cache';
import { estimateTokens } from './context-inspection';
import {
  createMessageClipper,
  fitTokens,
  messageTokenCap,
  modelTokenCounter,
  promptBudget,
  summaryTokenCap,
} from './message-clip';
import { PRESSURE_WARNING, compileContext } from './context-compiler';
import { ReplyStreamer } from './reply-streamer';
import { parseStep, stepResponseSchema } from './response-format';
import { newestPart, summarize, withCoverage } from './summarizer';
import { summaryBody } from '../../shared/summary-coverage';
import { BUILTIN_TOOLS, DEFAULT_TOOL_RULES, type ToolRules } from './tools';
import { TOOL_PROFILES, customProfile, type ToolProfile } from './tool-profiles';
import type { ToolDefinition, ToolOutcome } from './tools/tool';
import { noModelError } from '../models/no-model';

export interface AgentRuntimeOptions {
  db: Db;
  clock: Clock;
  agents: Agents;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
  recall: RecallMemory;
  conversations: Conversations;
  /** The loaded model, or null until the user picks one. */
  getModel: () => ChatModel | null;
  /** Why the last model load failed, while no model is loaded (noModelError). */
  modelLoadFailure?: () => string | null;
  /** Every agent gets these instead of its tool profile's (with `rules`, default DEFAULT_TOOL_RULES). */
  tools?: readonly ToolDefinition[];
  rules?: ToolRules;
  /** Caps every string in the grammar; only for tiny test models that would ramble. */
  maxStringLength?: number;
  /** Runs after each turn, when no transaction is open. */
  autoAnalyze?: AutoAnalyze;
  /** Told when a user message arrives, before its turn waits for the agent (background work yields). */
  onTurnStart?: (agentId: string) => void;
  /**
   * Runs once the turn holds the agent and before anything of it is read or
   * asked of the model, e.g. to make upcoming facts whose date has come
   * current. A failure here does not fail the turn.
   */
  beforeTurn?: (agentId: string) => Promise<void>;
  /** Told when a turn has ended (its messages are written), e.g. to embed them. */
  onTurnEnd?: (agentId: string) => void;
  /**
   * Holds the agent across processes for a whole turn (a shared server's
   * advisory lock); within this process turns are already queued.
   */
  lockTurn?: (agentId: string) => Promise<() => Promise<void>>;
  /** Finds memories for each user message before the first step (memory/surfacing). */
  surfacing?: Surfacing;
}

export interface TurnOptions {
  /** Defaults to the agent's most recently active conversation. */
  conversationId?: string;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** Defaults to the agent's model.maxSteps. */
  maxSteps?: number;
  /** Messages surfacing must not offer: a retried turn's discarded attempt. */
  notSurfaced?: readonly string[];
}

export interface TurnResult {
  /** The conversation the turn went to. */
  conversationId: string;
  reply: string | null;
  stopReason: StopReason;
  steps: number;
  usage: TokenUsageReport[];
}

/** Eviction aims to leave the prompt at this share of the usable window. */
const EVICT_TARGET = 0.5;
/** Room beside instructions and core memory below which a window is too small to talk in. */
const MIN_ROOM = 256;

function toolError(error: unknown): string {
  if (isLocusError(error)) return error.message;
  return `The tool failed unexpectedly: ${(error as Error).message}`;
}

/**
 * The agent loop (MemGPT/Letta semantics): compile context, ask the model for
 * one tool call, run it, persist every message, and continue while the tool
 * asks for a heartbeat or the rules require it, up to a step cap.
 */
export function createAgentRuntime(options: AgentRuntimeOptions) {
  const { db, clock, agents, coreMemory, archival, recall, conversations } = options;
  const custom = options.tools
    ? customProfile(options.tools, options.rules ?? DEFAULT_TOOL_RULES)
    : null;
  const schemas = new Map<ToolProfile, Record<string, unknown>>();
  /** The agent's tools, rules and prompt guide (its memory settings' tool profile). */
  function profileOf(agent: Agent): ToolProfile {
    return custom ?? TOOL_PROFILES[agent.memory.toolProfile];
  }
  function schemaOf(profile: ToolProfile): Record<string, unknown> {
    let schema = schemas.get(profile);
    if (!schema) {
      schema = stepResponseSchema(profile.tools, options.maxStringLength);
      schemas.set(profile, schema);
    }
    return schema;
  }
  const turnLocks = new Map<string, Promise<unknown>>();
  const contextCache = createContextCache();
  const clipper = createMessageClipper();

  /** Which agent and which of its conversations a turn, a fit or a preview is about. */
  interface Thread {
    agentId: string;
    conversationId: string;
    /** False when the user asked not to remember the conversation: memory tools save nothing. */
    remember: boolean;
  }

  /** Persists messages, in order, and puts them at the end of the conversation's context. */
  async function appendToContext<T extends NewMessageInput[]>(
    thread: Thread,
    ...inputs: T
  ): Promise<{ [K in keyof T]: Message }> {
    const messages = await recall.appendManyToContext(
      thread.agentId,
      thread.conversationId,
      inputs,
    );
    for (const message of messages) contextCache.remember(thread.conversationId, message);
    // One message back per input, in order (appendManyToContext's contract).
    return messages as { [K in keyof T]: Message };
  }

  /** `rewrites`: the agent's rewrite count, read with `ids` (see context-cache.ts). */
  function resolveMessages(
    conversationId: string,
    ids: string[],
    rewrites: number,
  ): Promise<Message[]> {
    return contextCache.resolve(conversationId, ids, rewrites, (missing) =>
      recall.getMany(missing),
    );
  }

  /** The agent (checked to exist) and the conversation a call names, or its default one. */
  async function threadOf(agentId: string, conversationId?: string): Promise<Thread> {
    await agents.get(agentId);
    const conversation = await conversations.resolve(agentId, conversationId);
    return { agentId, conversationId: conversation.id, remember: conversation.remember };
  }

  async function contextMessages(agentId: string, conversationId?: string): Promise<Message[]> {
    const thread = await threadOf(agentId, conversationId);
    const { ids, rewrites } = await conversations.getContext(agentId, thread.conversationId);
    return resolveMessages(thread.conversationId, ids, rewrites);
  }

  /**
   * The agent, the conversation's context messages and memory counts, read
   * once per fit (one statement, then only messages the cache has not seen):
   * eviction compiles many candidate cuts from the same read.
   */
  async function loadStep(
    thread: Thread,
    model: ChatModel | null,
  ): Promise<{ agent: Agent; messages: Message[]; counts: MemoryCounts; room: number }> {
    const state = await agents.getStepState(thread.agentId, thread.conversationId);
    const stored = await resolveMessages(thread.conversationId, state.contextIds, state.rewrites);
    // A message too long for the window is shown clipped, never whole, and
    // the summary no longer than the room it leaves the messages.
    const budget = model ? budgetFor(model) : budgetForSize(state.agent.model.contextSize);
    const room = budget - (await fixedTokens(state.agent, state.counts, model));
    const messages = await clipper.clip(
      stored,
      { message: messageTokenCap(budget, room), summary: summaryTokenCap(budget, room) },
      modelTokenCounter(model),
    );
    return { agent: state.agent, messages, counts: state.counts, room };
  }

  /** The last system turn without a summary and its tokens: unchanged until core memory is. */
  let fixedMemo: { model: ChatModel | null; key: string; tokens: number } | null = null;
  /**
   * Tokens of instructions, tools and core memory. The status line is left
   * out (the caps' shares leave room for it): it changes every step, and a
   * cap that moved with it would re-cut the summary, and with it the KV
   * cache of the system turn, at every step.
   */
  async function fixedTokens(
    agent: Agent,
    counts: MemoryCounts,
    model: ChatModel | null,
  ): Promise<number> {
    const system = compile(agent, [], counts).slice(0, 1);
    const key = system[0]?.content ?? '';
    if (fixedMemo?.model === model && fixedMemo.key === key) return fixedMemo.tokens;
    const tokens = model ? await model.countTokens(system) : estimateTokens(system);
    fixedMemo = { model, key, tokens };
    return tokens;
  }

  function compile(
    agent: Agent,
    messages: Message[],
    counts: MemoryCounts,
    pressure = 0,
  ): ChatTurn[] {
    const profile = profileOf(agent);
    return compileContext({
      agent,
      messages,
      tools: profile.tools,
      toolGuide: profile.guide,
      now: clock.now(),
      recallCount: counts.messages,
      archivalCount: counts.passages,
      pressure,
    });
  }

  function reserveFor(model: ChatModel): number {
    return model.contextSize - budgetFor(model);
  }

  const budgetForSize = promptBudget;

  function budgetFor(model: ChatModel): number {
    return budgetForSize(model.contextSize);
  }

  /**
   * Refuses a turn, before anything is stored, when instructions, tools and
   * core memory alone leave no room for a message: no eviction could help.
   */
  async function checkRoom(thread: Thread, model: ChatModel, text: string): Promise<void> {
    const { agent, messages, counts, room } = await loadStep(thread, model);
    const summary = messages.filter((m) => m.kind === 'summary').at(-1);
    const fixed = await model.countTokens(compile(agent, summary ? [summary] : [], counts));
    const budget = budgetFor(model);
    const message = Math.min(
      messageTokenCap(budget, room),
      await modelTokenCounter(model)(text.slice(0, budget * 8)),
    );
    if (fixed + message > budget) {
      // Core memory is only worth shortening when the rest would fit without it.
      const bare = await model.countTokens(compile({ ...agent, blocks: [] }, [], counts));
      const size = contextSizeFor(fixed + MIN_ROOM);
      const advice =
        bare + MIN_ROOM > budget
          ? `Choose a context size of at least ${size} (Models & settings, or --context-size); this model's is ${model.contextSize}.`
          : `Shorten the core memory blocks (Memory view), or choose a context size of at least ${size} (Models & settings, or --context-size).`;
      throw new LocusError(
        'CONTEXT_OVERFLOW',
        `Instructions and tools take ${bare} and core memory ${fixed - bare} of the ${budget} tokens this model's context window has for a turn, leaving no room for your message; nothing was saved. ${advice}`,
        { tokens: fixed + message, budget },
      );
    }
  }

  /** The smallest usual context size (a power of two) whose budget holds `tokens`. */
  function contextSizeFor(tokens: number): number {
    let size = 512;
    while (budgetForSize(size) < tokens) size *= 2;
    return size;
  }

  /**
   * Returns a prompt that fits the window. On overflow the oldest messages
   * are folded into the recursive summary and leave the context (they stay in
   * recall memory); the model is warned beforehand when pressure is high.
   * Null when `signal` stopped the summary: the context is left as it was.
   */
  async function fitContext(
    thread: Thread,
    model: ChatModel,
    emit: (event: AgentEvent) => void,
    signal?: AbortSignal,
  ): Promise<ChatTurn[] | null> {
    const budget = budgetFor(model);
    let { agent, messages, counts } = await loadStep(thread, model);
    let { turns, tokens } = await asSent(agent, messages, counts, model);
    if (tokens > budget) {
      const summary = messages.filter((m) => m.kind === 'summary').at(-1) ?? null;
      const chat = messages.filter((m) => m.kind !== 'summary');
      // Free half of the room messages have, so a summary is not needed
      // again on the very next step.
      const fixed = await model.countTokens(compile(agent, summary ? [summary] : [], counts));
      const target = fixed + Math.max(0, budget - fixed) * EVICT_TARGET;
      let cut = 0;
      for (;;) {
        cut = nextCut(chat, cut);
        const kept = [...(summary ? [summary] : []), ...chat.slice(cut)];
        const estimate = await model.countTokens(compile(agent, kept, counts));
        if (estimate <= target || cut >= chat.length - 1) break;
      }
      const evicted = chat.slice(0, cut);
      if (evicted.length > 0) {
        const summarized = await summarize(
          model,
          summary ? summaryBody(summary.content) : null,
          evicted,
          {
            ...(signal ? { signal } : {}),
            ...(turns[0]?.role === 'system' ? { agentSystem: turns[0].content } : {}),
          },
        );
        if (summarized === null) return null;
        const full = withCoverage(summary?.content ?? null, evicted, summarized);
        // The newest part of the summary is kept: it holds what just left the context.
        const text = await fitTokens(
          full,
          summaryTokenCap(budget),
          modelTokenCounter(model),
          (chars) => newestPart(full, chars),
        );
        const summaryMessage = await db.transaction(async (tx) => {
          const created = await recall.append(
            thread.agentId,
            {
              conversationId: thread.conversationId,
              role: 'system',
              kind: 'summary',
              content: text,
            },
            tx,
          );
          await createConversationsRepo(tx).setContextMessageIds(
            { id: thread.conversationId, agentId: thread.agentId },
            [created.id, ...chat.slice(cut).map((m) => m.id)],
          );
          return created;
        });
        emit({ type: 'summarized', evicted: evicted.length, summaryId: summaryMessage.id });
        ({ agent, messages, counts } = await loadStep(thread, model));
        ({ turns, tokens } = await asSent(agent, messages, counts, model));
      }
      if (tokens > budget) {
        // Rather the prompt without the warning than no turn at all.
        const plain = compile(agent, messages, counts);
        if ((await model.countTokens(plain)) <= budget) return plain;
        throw new LocusError(
          'CONTEXT_OVERFLOW',
          `The conversation does not fit this model's context window even after summarising (${tokens} tokens needed, ${budget} available). Shorten your message or core memory blocks, or choose a larger context size in settings.`,
          { tokens, budget },
        );
      }
    }
    return turns;
  }

  /**
   * The prompt as a step sends it and its tokens: with the warning the model
   * gets when the window is nearly full, counted too (added after the fit,
   * it once took prompts ~30 tokens past the budget, into the reply's room).
   */
  async function asSent(
    agent: Agent,
    messages: Message[],
    counts: MemoryCounts,
    model: ChatModel | null,
  ): Promise<{ turns: ChatTurn[]; tokens: number }> {
    const count = (turns: ChatTurn[]) =>
      model ? model.countTokens(turns) : Promise.resolve(estimateTokens(turns));
    const budget = model ? budgetFor(model) : budgetForSize(agent.model.contextSize);
    const turns = compile(agent, messages, counts);
    const tokens = await count(turns);
    if (tokens / budget < PRESSURE_WARNING) return { turns, tokens };
    const warned = compile(agent, messages, counts, tokens / budget);
    return { turns: warned, tokens: await count(warned) };
  }

  /**
   * The most a surfaced block may take: a quarter of what the window has
   * left beside the prompt's fixed part (instructions, tools, core memory,
   * summary), so the turn it joins always fits after eviction.
   */
  async function roomForMemories(thread: Thread, model: ChatModel): Promise<number> {
    const { agent, messages, counts } = await loadStep(thread, model);
    const summary = messages.filter((m) => m.kind === 'summary').at(-1);
    const fixed = await model.countTokens(compile(agent, summary ? [summary] : [], counts));
    return Math.max(0, Math.floor((budgetFor(model) - fixed) / 4));
  }

  /** Memories for the user's message; a failed search must not fail the turn. */
  async function surfaceFor(
    thread: Thread,
    text: string,
    budgetTokens: number,
    exclude: readonly string[] = [],
  ) {
    if (!options.surfacing || budgetTokens <= 0) return null;
    try {
      return await options.surfacing.surface({
        agentId: thread.agentId,
        text,
        context: await contextMessages(thread.agentId, thread.conversationId),
        exclude,
        budgetTokens,
        at: clock.now(),
      });
    } catch {
      return null;
    }
  }

  async function runTurn(thread: Thread, text: string, turn: TurnOptions): Promise<TurnResult> {
    const { agentId } = thread;
    const emit = (event: AgentEvent): void => turn.onEvent?.(event);
    const model = options.getModel();
    if (!model) throw noModelError(options.modelLoadFailure?.() ?? null);
    const { agent } = await agents.getStepState(agentId, thread.conversationId);
    const maxSteps = turn.maxSteps ?? agent.model.maxSteps;
    // Read once a turn: a profile switched mid-turn applies from the next one.
    const { tools, rules } = profileOf(agent);
    const schema = schemaOf(profileOf(agent));
    await checkRoom(thread, model, text);
    const surfaced = await surfaceFor(
      thread,
      text,
      Math.min(agent.model.surfacingTokens, await roomForMemories(thread, model)),
      turn.notSurfaced,
    );
    const [user, memories] = await appendToContext(
      thread,
      { role: 'user', content: text },
      // Right after the message it was found for, in the same write.
      ...(surfaced
        ? [{ role: 'system', kind: 'memories', content: JSON.stringify(surfaced) } as const]
        : []),
    );
    emit({ type: 'message', message: user });
    if (memories) emit({ type: 'message', message: memories });

    const usage: TokenUsageReport[] = [];
    let reply: string | null = null;
    const finish = (stopReason: StopReason, steps: number): TurnResult => {
      emit({ type: 'done', reply, stopReason, steps });
      return { conversationId: thread.conversationId, reply, stopReason, steps, usage };
    };

    for (let step = 1; step <= maxSteps; step++) {
      emit({ type: 'step', step });
      if (turn.signal?.aborted) return cancelled(step - 1);
      const turns = await fitContext(thread, model, emit, turn.signal);
      if (!turns) return cancelled(step - 1);
      const streamer = new ReplyStreamer(
        (chunk) => emit({ type: 'token', text: chunk }),
        (name) => emit({ type: 'tool', step, name }),
      );
      let result;
      try {
        result = await model.generate(
          {
            purpose: 'step',
            turns,
            responseSchema: schema,
            maxTokens: reserveFor(model),
            temperature: agent.model.temperature,
          },
          {
            ...(turn.signal ? { signal: turn.signal } : {}),
            onText: (chunk) => streamer.push(chunk),
          },
        );
      } catch (error) {
        if (turn.signal?.aborted) return cancelled(step);
        throw new LocusError(
          'MODEL_FAILED',
          `The model stopped with an error: ${(error as Error).message}. Try again; if it keeps failing, reload the model or pick another in Models & settings.`,
        );
      }
      usage.push(result.usage);
      emit({ type: 'usage', step, usage: result.usage });
      if (result.stopReason === 'aborted') return cancelled(step);

      const parsed = parseStep(result.text, tools);
      const callId = newId('call');
      const toolName = parsed.ok ? parsed.tool.name : (parsed.toolName ?? 'invalid_reply');
      const call: NewMessageInput = {
        role: 'assistant',
        content: parsed.thinking,
        toolCalls: [{ id: callId, name: toolName, arguments: parsed.rawArguments }],
        createdAt: clock.now().toISOString(),
      };

      let outcome: ToolOutcome;
      if (!parsed.ok) {
        outcome = { ok: false, message: parsed.error };
      } else {
        try {
          outcome = await parsed.tool.run(parsed.args as never, {
            agentId,
            coreMemory,
            archival,
            recall,
            clock,
            sourceMessageId: user.id,
            remember: thread.remember,
          });
        } catch (error) {
          outcome = { ok: false, message: toolError(error) };
        }
      }
      // The call and its result are written together, as Letta persists a
      // step's messages at its end: one write instead of two per step (each
      // ~3 ms at 100k stored messages, bench/ scale suite). A crash while
      // the tool runs loses the call, not anything the user said.
      const [assistant, toolMessage] = await appendToContext(thread, call, {
        role: 'tool',
        name: toolName,
        toolCallId: callId,
        content: JSON.stringify({ status: outcome.ok ? 'OK' : 'Failed', message: outcome.message }),
        quotes: outcome.quotes ?? null,
      });
      emit({ type: 'message', message: assistant });
      emit({ type: 'message', message: toolMessage });
      if (outcome.reply !== undefined) reply = outcome.reply;

      if (parsed.ok && outcome.ok && rules.terminal.includes(toolName))
        return finish('replied', step);
      // A failed call always gets another step so the model can fix it.
      const heartbeat =
        !outcome.ok || (parsed.ok && (parsed.heartbeat || rules.continue.includes(toolName)));
      if (!heartbeat) return finish('no_heartbeat', step);
    }
    const [notice] = await appendToContext(thread, {
      role: 'system',
      kind: 'event',
      content: `Stopped after ${maxSteps} steps without a reply (the step limit). Answer the user directly next time.`,
    });
    emit({ type: 'message', message: notice });
    return finish('max_steps', maxSteps);

    async function cancelled(steps: number): Promise<TurnResult> {
      const [message] = await appendToContext(thread, {
        role: 'system',
        kind: 'event',
        content: 'Stopped by the user.',
      });
      emit({ type: 'message', message });
      return finish('cancelled', steps);
    }
  }

  async function lockedTurn(agentId: string, text: string, turn: TurnOptions): Promise<TurnResult> {
    const release = await options.lockTurn?.(agentId);
    try {
      await options.beforeTurn?.(agentId).catch(() => undefined);
      // Resolved under the lock: another process may have just used another conversation.
      return await runTurn(await threadOf(agentId, turn.conversationId), text, turn);
    } finally {
      await release?.();
    }
  }

  return {
    /** Every tool an agent may have (the Letta profile's; the small profile's are a subset). */
    tools: custom?.tools ?? BUILTIN_TOOLS,
    /** The tools an agent works with now, by its tool profile. */
    async toolsOf(agentId: string): Promise<readonly ToolDefinition[]> {
      return profileOf(await agents.get(agentId)).tools;
    },
    /**
     * Runs one user turn. Turns of one agent never interleave, whatever their
     * conversation (they share its core memory) and in any process sharing
     * the database: a second call waits for the first to finish.
     */
    async send(agentId: string, text: string, turn: TurnOptions = {}): Promise<TurnResult> {
      options.onTurnStart?.(agentId);
      const previous = turnLocks.get(agentId) ?? Promise.resolve();
      const current = previous.catch(() => undefined).then(() => lockedTurn(agentId, text, turn));
      turnLocks.set(agentId, current);
      try {
        return await current;
      } finally {
        if (turnLocks.get(agentId) === current) turnLocks.delete(agentId);
        // Statistics are an optimisation: a failure here must not fail the turn.
        await options.autoAnalyze?.maybeAnalyze().catch(() => undefined);
        options.onTurnEnd?.(agentId);
      }
    },
    contextMessages,
    /** The agent (checked to exist) and the conversation a call names, or its default one. */
    threadOf,
    /** The exact prompt the next step of a conversation would see (for inspection and tests). */
    async preview(agentId: string, conversationId?: string): Promise<ChatTurn[]> {
      const model = options.getModel();
      const { agent, messages, counts } = await loadStep(
        await threadOf(agentId, conversationId),
        model,
      );
      // With the warning the model gets when the window is nearly full.
      return (await asSent(agent, messages, counts, model)).turns;
    },
    /**
     * Empties a conversation's context window (default: the agent's most
     * recently used one): every message stays in recall memory, core and
     * archival memory are untouched. The way back from a context that no
     * longer works. Waits for a running turn of the agent to end.
     */
    async resetContext(agentId: string, conversationId?: string): Promise<{ removed: number }> {
      const previous = turnLocks.get(agentId) ?? Promise.resolve();
      const current = previous
        .catch(() => undefined)
        .then(async () => {
          const thread = await threadOf(agentId, conversationId);
          return db.transaction(async (tx) => {
            const repo = createConversationsRepo(tx);
            const removed = (await repo.getContextMessageIds(thread.conversationId)).length;
            await repo.setContextMessageIds({ id: thread.conversationId, agentId }, []);
            return { removed };
          });
        });
      turnLocks.set(agentId, current);
      try {
        return await current;
      } finally {
        if (turnLocks.get(agentId) === current) turnLocks.delete(agentId);
      }
    },
  };
}
export type AgentRuntime = ReturnType<typeof createAgentRuntime>;

/**
 * Where to cut next: about half of what is left, moved forward to the start of
 * a user turn so a tool call is never separated from its result.
 */
function nextCut(chat: Message[], from: number): number {
  const last = chat.length - 1;
  let cut = Math.min(last, from + Math.max(1, Math.ceil((chat.length - from) / 2)));
  while (cut < last && chat[cut]?.role !== 'user') cut++;
  return cut;
}
