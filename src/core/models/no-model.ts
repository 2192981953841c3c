import { LocusError } from '../../shared/errors';

/**
 * The error for a turn asked of no model. When the model the agent last used
 * failed to load (its file moved or deleted since), that failure is why, and
 * it says what to do; "none is loaded yet" alone sent the user to choose a
 * model without saying the chosen one had gone.
 */
export function noModelError(loadFailure: string | null): LocusError {
  return new LocusError(
    'MODEL_NOT_CONFIGURED',
    loadFailure
      ? `No language model is loaded: the last one could not be loaded. ${loadFailure}`
      : 'No language model is loaded yet. Choose a .gguf file or download a recommended model in Models & settings (CLI: --model <file.gguf>).',
  );
}
