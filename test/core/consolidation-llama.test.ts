import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/core/models/chat-model';
import { loadLlamaChatModel } from '../../src/core/models/llama-chat-model';
import { writeTinyGguf } from '../fixtures/make-tiny-gguf';
import { tempDir, testCore } from '../helpers/test-core';

// The grammar path of consolidation through the real node-llama-cpp runtime:
// the tiny GGUF's random weights say nothing meaningful, but under the
// extraction grammar every reply must be well-formed facts that the pass
// reads and applies, advancing its cursor.
describe('consolidation on a tiny GGUF through node-llama-cpp', () => {
  it('extracts schema-valid facts under the grammar and finishes the pass', async () => {
    const dir = tempDir();
    const file = writeTinyGguf(path.join(dir, 'tiny.gguf'), { contextLength: 16384 });
    const inner = await loadLlamaChatModel({
      modelPath: file,
      contextSize: 16384,
      threads: 2,
      gpu: false,
    });
    const replies: string[] = [];
    const model: ChatModel = {
      name: inner.name,
      contextSize: inner.contextSize,
      countTokens: (turns) => inner.countTokens(turns),
      async generate(request, options) {
        const result = await inner.generate(request, options);
        if (request.purpose === 'consolidate') replies.push(result.text);
        return result;
      },
      dispose: () => inner.dispose(),
    };
    const core = await testCore({ chatModel: model, maxStringLength: 24 });
    const agent = await core.agents.create({ name: 'Tiny' });
    // Messages written as a turn would write them, without running the tiny model's chat.
    const { conversationId } = await core.runtime.threadOf(agent.id);
    await core.recall.appendManyToContext(agent.id, conversationId, [
      { role: 'user', content: 'My sister Lena moved to Berlin last week.' },
      {
        role: 'assistant',
        content: 'Reply.',
        toolCalls: [{ id: 'c1', name: 'send_message', arguments: '{"message":"Nice!"}' }],
      },
    ]);

    const result = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(result).toMatchObject({ stopped: 'done', messages: 2 });
    expect(replies).toHaveLength(1);
    const reply = JSON.parse(replies[0]!) as { facts: unknown[] };
    expect(Array.isArray(reply.facts)).toBe(true);
    expect(reply.facts.length).toBeLessThanOrEqual(6);
    for (const fact of reply.facts as Array<Record<string, unknown>>) {
      expect(Object.keys(fact)).toEqual(['message', 'about', 'text', 'when', 'corrects']);
      expect(['user', 'assistant', 'world']).toContain(fact.about);
      expect(typeof fact.text).toBe('string');
      expect(Number.isInteger(fact.message)).toBe(true);
    }
    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      pending: 0,
      lastError: null,
    });
  });
});
