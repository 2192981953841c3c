import type { ChatModel, GenerateRequest } from '../../src/core/models/chat-model';
import { createScriptedModel, memoryDemoScript } from '../../src/core/models/scripted-model';
import { scriptedConsolidation } from '../../src/core/models/scripted-consolidation';

/**
 * A chat model that never calls a memory tool (it only replies), so whatever
 * ends up in memory got there by consolidation; its consolidation requests
 * use the scripted extractor.
 */
export function replyOnlyModel(options: { contextSize?: number } = {}) {
  return createScriptedModel({
    ...options,
    script: (request, call) => {
      if (request.purpose === 'consolidate') return scriptedConsolidation(request);
      if (request.purpose === 'summary') return memoryDemoScript(request, call);
      return { thinking: 'Just answer.', tool: 'send_message', arguments: { message: 'Noted!' } };
    },
  });
}

/** A reply-only model whose consolidation calls fail, as a model out of memory might. */
export function consolidationFailingModel(): ChatModel {
  const inner = replyOnlyModel();
  return {
    name: inner.name,
    contextSize: inner.contextSize,
    countTokens: (turns) => inner.countTokens(turns),
    async generate(request, options) {
      if (request.purpose === 'consolidate') throw new Error('the model ran out of memory');
      return inner.generate(request, options);
    },
    dispose: () => inner.dispose(),
  };
}

/**
 * Wraps a model so each consolidation call waits until the test opens the
 * gate (or the call is aborted), and logs model calls beside the test's own
 * entries: the order of turns and passes is then deterministic.
 */
export function gatedModel(inner: ChatModel) {
  const log: string[] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const requests: GenerateRequest[] = [];
  const model: ChatModel = {
    name: inner.name,
    contextSize: inner.contextSize,
    countTokens: (turns) => inner.countTokens(turns),
    async generate(request, options = {}) {
      requests.push(request);
      if (request.purpose !== 'consolidate') return inner.generate(request, options);
      log.push('pass-start');
      const aborted = new Promise<'aborted'>((resolve) => {
        if (options.signal?.aborted) resolve('aborted');
        options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
      });
      if ((await Promise.race([gate.then(() => 'open' as const), aborted])) === 'aborted') {
        log.push('pass-aborted');
        const usage = { promptTokens: 0, evaluatedTokens: 0, reusedTokens: 0, completionTokens: 0 };
        return { text: '', stopReason: 'aborted', usage };
      }
      const result = await inner.generate(request, options);
      log.push(`pass-${result.stopReason}`);
      return result;
    },
    dispose: () => inner.dispose(),
  };
  return {
    model,
    log,
    requests,
    /** Lets consolidation calls through (this one and every later one). */
    open: () => open(),
    /** Holds the next consolidation calls again. */
    close: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}

/** Resolves once `check` holds, polling; for background work the test cannot await directly. */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}
