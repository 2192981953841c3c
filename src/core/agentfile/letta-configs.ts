import path from 'node:path';
import type { ModelSettings } from '../../shared/entities';

/**
 * Letta's llm_config / embedding_config for a Locus agent, written so that
 * Letta's own pydantic models accept them: `model` is always a string,
 * `model_endpoint_type` and `embedding_endpoint_type` are values on Letta's
 * lists. Locus runs GGUF models through llama.cpp ("llamacpp") and embeds
 * with Hugging Face models in-process ("hugging-face" is the nearest value
 * Letta has); the exact model is named in `model` / `embedding_model`.
 */
export function lettaLlmConfig(model: ModelSettings) {
  const file = model.modelPath ? path.basename(model.modelPath) : null;
  return {
    model: file ? file.replace(/\.gguf$/i, '') : 'locus-local',
    model_endpoint_type: 'llamacpp' as const,
    model_endpoint: null,
    provider_name: null,
    model_wrapper: null,
    context_window: model.contextSize,
    put_inner_thoughts_in_kwargs: true,
    handle: null,
    temperature: model.temperature,
    max_tokens: null,
  };
}

export function lettaEmbeddingConfig(embedder: { name: string; dimensions: number }) {
  return {
    embedding_endpoint_type: 'hugging-face' as const,
    embedding_endpoint: null,
    embedding_model: embedder.name,
    embedding_dim: embedder.dimensions,
    embedding_chunk_size: 300,
    handle: null,
    batch_size: 32,
    azure_endpoint: null,
    azure_version: null,
    azure_deployment: null,
  };
}

/**
 * Letta refuses agent names outside letters, digits, spaces, "-" and "_";
 * the exact name travels in metadata.locus.name.
 */
export function lettaAgentName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9 _-]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'agent'
  );
}
