import type { LoadedModel } from './contract';

/**
 * The context a loaded model runs with, in words, and why it differs from
 * the agent's setting: a setting the model cannot honour must not read as
 * if it were in effect.
 */
export function contextInEffect(model: LoadedModel, setting: number): string {
  const inEffect = `${model.contextSize} tokens of context`;
  if (model.contextSize === setting) return inEffect;
  if (model.contextSize < setting && model.trainedContextSize === model.contextSize) {
    return `${inEffect}: the setting asks for ${setting}, but ${model.name} was trained on ${model.contextSize}, so that is its most`;
  }
  return `${inEffect}: the setting, ${setting}, takes effect when a model next loads`;
}
