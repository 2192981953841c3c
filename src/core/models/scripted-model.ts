import type {
  ChatModel,
  ChatTurn,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
} from './chat-model';
import { withoutSurfacedBlock } from '../../shared/surfaced-memories';
import { scriptedConsolidation } from './scripted-consolidation';

/** Decides the reply to one request; return an object (sent as JSON) or raw text. */
export type Script = (request: GenerateRequest, call: number) => Record<string, unknown> | string;

export interface ScriptedModelOptions {
  /** Defaults to the memory demo script below. */
  script?: Script;
  /** Defaults to 8192. */
  contextSize?: number;
  /** Delay per streamed chunk, to make cancellation observable. Defaults to 0. */
  chunkDelayMs?: number;
  name?: string;
}

const CHUNK = 8;

function promptText(turns: ChatTurn[]): string {
  return turns.map((t) => `<${t.role}>${t.content}`).join('\n');
}

/** About four characters a token, like real tokenizers on English. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A deterministic ChatModel for tests, demos and e2e runs: replies come from a
 * script, stream in chunks, honour AbortSignal, and report prompt reuse the
 * way a KV cache would (the shared prefix with the previous prompt).
 */
export function createScriptedModel(
  options: ScriptedModelOptions = {},
): ChatModel & { calls: GenerateRequest[] } {
  const script = options.script ?? memoryDemoScript;
  const calls: GenerateRequest[] = [];
  let previousPrompt = '';
  return {
    name: options.name ?? 'scripted',
    contextSize: options.contextSize ?? 8192,
    calls,
    async countTokens(turns) {
      return tokens(promptText(turns));
    },
    async generate(
      request: GenerateRequest,
      generateOptions: GenerateOptions = {},
    ): Promise<GenerateResult> {
      calls.push(request);
      const prompt = promptText(request.turns);
      let shared = 0;
      while (
        shared < prompt.length &&
        shared < previousPrompt.length &&
        prompt[shared] === previousPrompt[shared]
      )
        shared++;
      const out = script(request, calls.length - 1);
      const text = typeof out === 'string' ? out : JSON.stringify(out);
      previousPrompt = prompt + text;
      const promptTokens = tokens(prompt);
      const reusedTokens = Math.min(promptTokens, Math.floor(shared / 4));
      let emitted = '';
      for (let i = 0; i < text.length; i += CHUNK) {
        if (generateOptions.signal?.aborted) break;
        if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
        if (generateOptions.signal?.aborted) break;
        const chunk = text.slice(i, i + CHUNK);
        emitted += chunk;
        generateOptions.onText?.(chunk);
      }
      const aborted = emitted.length < text.length;
      return {
        text: emitted,
        stopReason: aborted ? 'aborted' : 'done',
        usage: {
          promptTokens,
          evaluatedTokens: promptTokens - reusedTokens,
          reusedTokens,
          completionTokens: tokens(emitted),
        },
      };
    },
    async dispose() {},
  };
}

const send = (message: string, thinking = 'Replying to the user.') => ({
  thinking,
  tool: 'send_message',
  arguments: { message },
});

/**
 * Plays an agent that uses its memory the way the system prompt teaches:
 * stores names in core memory, "remember …" in archival memory, searches both.
 */
export const memoryDemoScript: Script = (request) => {
  const turns = request.turns;
  if (request.purpose === 'consolidate') return scriptedConsolidation(request);
  if (request.purpose === 'summary') {
    const body = turns.at(-1)?.content ?? '';
    const previous = /Previous summary:\n(.*?)\n\nMessages leaving/s.exec(body)?.[1] ?? '(none)';
    const said = [...body.matchAll(/\] user: (.+)/g)].map((m) => m[1]).join('; ');
    const merged = [previous === '(none)' ? '' : previous, said && `The user said: ${said}.`];
    return { summary: merged.filter(Boolean).join(' ') || 'Nothing of note yet.' };
  }
  const system = turns[0]?.content ?? '';
  const last = [...turns].reverse().find((t) => t.role !== 'system');
  // The user's words, without memories surfaced for them.
  const content = withoutSurfacedBlock(last?.content ?? '');
  const result = /^\[(\w+) result\] (.*)$/s.exec(content);
  if (result) {
    const [, tool, body] = result as unknown as [string, string, string];
    const parsed = JSON.parse(body) as { status: string; message: string };
    if (parsed.status !== 'OK') return send(`Sorry, that did not work: ${parsed.message}`);
    if (tool === 'archival_memory_search' || tool === 'conversation_search') {
      const hit = parsed.message.split('\n')[1];
      return send(
        hit
          ? `Here is what I found: ${hit.replace(/^\[[^\]]+\]\s*(\([^)]*\)\s*)?/, '')}`
          : 'I could not find anything about that.',
      );
    }
    return send("Got it, I'll remember that.");
  }
  const name = /my name is (\w+)/i.exec(content);
  if (name) {
    return {
      thinking: 'The user told me their name; core memory is where it belongs.',
      tool: 'core_memory_append',
      arguments: { label: 'human', content: `Name: ${name[1]}`, request_heartbeat: true },
    };
  }
  if (/what(?:'s| is) my name/i.test(content)) {
    const known = /Name: (\w+)/.exec(system);
    return send(known ? `Your name is ${known[1]}.` : "I don't know your name yet.");
  }
  const remember = /^remember(?: that)? (.+)$/is.exec(content.trim());
  if (remember) {
    return {
      thinking: 'Worth keeping: archival memory.',
      tool: 'archival_memory_insert',
      arguments: { content: remember[1], tags: null, request_heartbeat: true },
    };
  }
  const search = /^(?:search|recall|what do you know about) (.+?)\??$/is.exec(content.trim());
  if (search) {
    return {
      thinking: 'Let me look in archival memory.',
      tool: 'archival_memory_search',
      arguments: {
        query: search[1],
        tags: null,
        start_datetime: null,
        end_datetime: null,
        page: null,
        request_heartbeat: true,
      },
    };
  }
  const talked = /^when did we talk about (.+?)\??$/is.exec(content.trim());
  if (talked) {
    return {
      thinking: 'This is in the conversation history.',
      tool: 'conversation_search',
      arguments: {
        query: talked[1],
        start_date: null,
        end_date: null,
        page: null,
        request_heartbeat: true,
      },
    };
  }
  return send(`You said: ${content}`);
};
