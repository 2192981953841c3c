import os from 'node:os';
import {
  getLlama,
  InsufficientMemoryError,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type Llama,
  type LlamaGrammar,
  type Token,
} from 'node-llama-cpp';
import { LocusError } from '../../shared/errors';
import type {
  ChatModel,
  ChatTurn,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
} from './chat-model';
import { inspectGgufFile } from './gguf-file';

export interface LlamaChatModelOptions {
  modelPath: string;
  /** Tokens in the window; defaults to min(8192, what the model was trained on). */
  contextSize?: number;
  /**
   * CPU threads. llama.cpp's own default assumes more cores than a laptop
   * under load gives it and runs far slower when oversubscribed, so it is
   * always set: default one per logical core the OS reports.
   */
  threads?: number;
  /** 'auto' uses Metal/CUDA/Vulkan when a prebuilt binary for it is installed. */
  gpu?: 'auto' | false;
  /** RAM the model may use; defaults to the machine's total memory. */
  availableMemoryBytes?: number;
  onLoadProgress?: (fraction: number) => void;
}

const DEFAULT_CONTEXT = 8192;
const GB = 1024 ** 3;
const llamas = new Map<string, Promise<Llama>>();

/** One llama.cpp binding per process and GPU choice: loading it is slow and global. */
function llamaFor(gpu: 'auto' | false, threads: number): Promise<Llama> {
  const key = `${gpu}`;
  let llama = llamas.get(key);
  if (!llama) {
    llama = getLlama({
      gpu,
      // Never compile from source or download binaries at run time: users may
      // be offline, and the npm package ships prebuilt CPU binaries.
      build: 'never',
      maxThreads: threads,
      logLevel: LlamaLogLevel.error,
      progressLogs: false,
    });
    llamas.set(key, llama);
    llama.catch(() => llamas.delete(key));
  }
  return llama;
}

function toHistory(turns: ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = turns.map((turn) => {
    if (turn.role === 'assistant') return { type: 'model', response: [turn.content] };
    return { type: turn.role, text: turn.content };
  });
  // An empty model turn makes the template end with the assistant's prefix.
  history.push({ type: 'model', response: [] });
  return history;
}

function fmtGb(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GB`;
}

/**
 * Loads a GGUF model in-process with node-llama-cpp. Every step is one
 * completion over the chat template's rendering of the prompt, decoded under a
 * grammar built from the JSON schema of the tools, so even small models emit a
 * valid call. The single context sequence keeps its KV cache between calls
 * and only the tokens after the first difference are evaluated again.
 */
export async function loadLlamaChatModel(options: LlamaChatModelOptions): Promise<ChatModel> {
  const file = await inspectGgufFile(options.modelPath);
  const available = options.availableMemoryBytes ?? os.totalmem();
  // Weights plus headroom for the KV cache and compute buffers.
  const needed = Math.round(file.insights.modelSize * 1.15);
  if (needed > available) {
    throw new LocusError(
      'MODEL_TOO_LARGE',
      `${file.name} needs about ${fmtGb(needed)} of memory but this computer has ${fmtGb(available)}. Choose a smaller model or a smaller quantisation (for example Q4_K_M of a 1-4B model).`,
      { neededBytes: needed, availableBytes: available },
    );
  }
  const threads = Math.max(1, options.threads ?? os.availableParallelism());
  const llama = await llamaFor(options.gpu ?? 'auto', threads);
  const model = await llama
    .loadModel({
      modelPath: file.path,
      ...(options.gpu === false ? { gpuLayers: 0 } : {}),
      ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
    })
    .catch((error: unknown) => {
      if (error instanceof InsufficientMemoryError) {
        throw new LocusError(
          'MODEL_TOO_LARGE',
          `There is not enough free memory to load ${file.name}. Close other programs or choose a smaller model.`,
        );
      }
      throw new LocusError(
        'MODEL_LOAD_FAILED',
        `llama.cpp could not load ${file.path}: ${(error as Error).message}. The file may be for an architecture this version does not support; try a recommended model.`,
        { path: file.path },
      );
    });
  const contextSize = Math.min(
    options.contextSize ?? DEFAULT_CONTEXT,
    model.trainContextSize || DEFAULT_CONTEXT,
  );
  const context = await model
    .createContext({ contextSize, threads, sequences: 1 })
    .catch(async (error: unknown) => {
      await model.dispose();
      if (error instanceof InsufficientMemoryError) {
        throw new LocusError(
          'MODEL_TOO_LARGE',
          `There is not enough memory for a ${contextSize}-token context with ${file.name}. Choose a smaller context size in settings.`,
        );
      }
      throw new LocusError('MODEL_LOAD_FAILED', (error as Error).message);
    });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const wrapper = resolveChatWrapper(model);
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  // One sequence: steps run one at a time.
  let queue: Promise<unknown> = Promise.resolve();

  const grammarFor = (schema: Record<string, unknown>): Promise<LlamaGrammar> => {
    const key = JSON.stringify(schema);
    let grammar = grammars.get(key);
    if (!grammar) {
      // Built at run time from the tool list, so there is no static schema type
      // for node-llama-cpp to infer a result type from.
      grammar = llama.createGrammarForJsonSchema(schema as never);
      grammars.set(key, grammar);
    }
    return grammar;
  };

  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  /** The tokens the context will hold for this prompt, BOS included once. */
  const tokenize = (turns: ChatTurn[]): Token[] => {
    const tokens = wrapper
      .generateContextState({ chatHistory: toHistory(turns) })
      .contextText.tokenize(model.tokenizer);
    if (bos == null || tokens[0] === bos) return tokens;
    return [bos, ...tokens];
  };

  async function run(
    request: GenerateRequest,
    generateOptions: GenerateOptions,
  ): Promise<GenerateResult> {
    const { signal, onText } = generateOptions;
    const prompt = tokenize(request.turns);
    // The completion always evaluates the last prompt token itself.
    const reused = Math.min(
      sequence.compareContextTokens(prompt).firstDifferentIndex,
      prompt.length - 1,
    );
    const usage = (completionText: string) => ({
      promptTokens: prompt.length,
      evaluatedTokens: prompt.length - reused,
      reusedTokens: reused,
      completionTokens: model.tokenize(completionText).length,
    });
    if (signal?.aborted) return { text: '', stopReason: 'aborted', usage: usage('') };
    // LlamaCompletion cuts the prompt's start to leave `contextShiftSize`
    // free (a tenth of the window by default), which dropped the system
    // prompt and the whole KV cache with it once a conversation filled 90%
    // of the window (full re-evaluations in bench/ tokens suite). The agent
    // loop already fits the prompt, so the reply gets exactly what is left.
    const room = contextSize - prompt.length;
    if (room < 1) {
      throw new LocusError(
        'CONTEXT_OVERFLOW',
        `The prompt (${prompt.length} tokens) fills this model's whole context window (${contextSize}). Shorten your message or core memory blocks, or choose a larger context size in settings.`,
        { tokens: prompt.length, budget: contextSize },
      );
    }
    try {
      // LlamaCompletion prepends BOS itself; passing it too would double it
      // and defeat the KV-cache prefix match on every call.
      const input = bos == null ? prompt : prompt.slice(1);
      const result = await completion.generateCompletionWithMeta(input, {
        grammar: await grammarFor(request.responseSchema),
        maxTokens: Math.min(request.maxTokens ?? Math.floor(contextSize / 4), room),
        contextShiftSize: room,
        temperature: request.temperature ?? 0.7,
        ...(signal ? { signal, stopOnAbortSignal: true } : {}),
        ...(onText ? { onTextChunk: onText } : {}),
      });
      const stop = result.metadata.stopReason;
      return {
        text: result.response,
        stopReason: stop === 'abort' ? 'aborted' : stop === 'maxTokens' ? 'length' : 'done',
        usage: usage(result.response),
      };
    } catch (error) {
      if (signal?.aborted) return { text: '', stopReason: 'aborted', usage: usage('') };
      throw new LocusError(
        'MODEL_FAILED',
        `The model stopped with an error: ${(error as Error).message}. Try again; if it repeats, reload the model or choose a smaller context size.`,
      );
    }
  }

  return {
    name: file.name,
    contextSize,
    ...(model.trainContextSize ? { trainedContextSize: model.trainContextSize } : {}),
    async countTokens(turns) {
      return tokenize(turns).length;
    },
    generate(request, generateOptions = {}) {
      const next = queue.then(() => run(request, generateOptions));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      await queue;
      completion.dispose();
      await context.dispose();
      await model.dispose();
    },
  };
}
