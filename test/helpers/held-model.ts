import type { ChatModel } from '../../src/core/models/chat-model';
import { createScriptedModel } from '../../src/core/models/scripted-model';

/** A model that starts its reply only when released, and stops when cancelled. */
export function heldModel(): { model: ChatModel; started: () => boolean; release: () => void } {
  const inner = createScriptedModel();
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let generating = false;
  const model: ChatModel = {
    name: inner.name,
    contextSize: inner.contextSize,
    countTokens: (turns) => inner.countTokens(turns),
    generate: async (request, options) => {
      generating = true;
      await new Promise<void>((resolve, reject) => {
        void held.then(resolve);
        options?.signal?.addEventListener('abort', () =>
          reject(options.signal?.reason ?? new Error('aborted')),
        );
      });
      return inner.generate(request, options);
    },
    dispose: () => inner.dispose(),
  };
  return { model, started: () => generating, release };
}
