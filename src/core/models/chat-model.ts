import type { LoadedModel } from '../../shared/contract';

/** One turn of the prompt, in the model's chat template's terms. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  /** Tokens in the whole prompt. */
  promptTokens: number;
  /** Prompt tokens that had to be evaluated this time. */
  evaluatedTokens: number;
  /** Prompt tokens served from the KV cache of the previous call. */
  reusedTokens: number;
  completionTokens: number;
}

export interface GenerateRequest {
  turns: ChatTurn[];
  /**
   * JSON schema (GBNF subset) the reply must follow; models that can
   * constrain decoding with a grammar do, so even small models stay valid.
   */
  responseSchema: Record<string, unknown>;
  /** step: choose the next tool call; summary: condense evicted messages; consolidate: extract facts. */
  purpose: 'step' | 'summary' | 'consolidate';
  /** Defaults to the model's own limit. */
  maxTokens?: number;
  temperature?: number;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Streams raw output text as it is generated. */
  onText?: (chunk: string) => void;
}

export interface GenerateResult {
  /** The raw reply, JSON text when the model follows the schema. */
  text: string;
  stopReason: 'done' | 'length' | 'aborted';
  usage: TokenUsage;
}

/**
 * A language model the agent loop can drive. Implementations: node-llama-cpp
 * (real GGUF models) and a deterministic scripted model for tests and demos.
 */
export interface ChatModel {
  readonly name: string;
  /** Tokens the context window holds. */
  readonly contextSize: number;
  /** The context the model was trained on, when known: a larger setting is capped to it. */
  readonly trainedContextSize?: number;
  /** Tokens the prompt would take, with the model's own tokenizer and template. */
  countTokens(turns: ChatTurn[]): Promise<number>;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  dispose(): Promise<void>;
}

/** What clients are told about a loaded model. */
export function loadedModelInfo(model: ChatModel): LoadedModel {
  return {
    name: model.name,
    contextSize: model.contextSize,
    trainedContextSize: model.trainedContextSize ?? null,
  };
}
