import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLlamaChatModel } from '../../src/core/models/llama-chat-model';
import type { ChatModel } from '../../src/core/models/chat-model';
import { LocusError } from '../../src/shared/errors';
import { statusText } from '../../src/cli/status-text';
import { writeTinyGguf } from '../fixtures/make-tiny-gguf';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

// The real node-llama-cpp path on a tiny generated GGUF with random weights:
// its words are noise, but under the tool grammar every reply must still be a
// well-formed tool call that the agent loop parses and executes.
describe('node-llama-cpp chat model on a tiny GGUF', () => {
  let dir: string;
  let file: string;
  let model: ChatModel;
  const load = () =>
    loadLlamaChatModel({ modelPath: file, contextSize: 16384, threads: 2, gpu: false });

  beforeAll(async () => {
    dir = tempDir();
    // Byte-level vocabulary: the system prompt alone is ~5k tokens.
    file = writeTinyGguf(path.join(dir, 'tiny.gguf'), { contextLength: 16384 });
    model = await load();
  });
  afterAll(() => model?.dispose());

  it('runs grammar-constrained tool calls that parse and execute in the agent loop', async () => {
    // The core owns (and disposes) the model it is given.
    const core = await testCore({ chatModel: await load(), maxStringLength: 24 });
    const agent = await core.agents.create({ name: 'Tiny' });
    const toolNames = new Set(core.runtime.tools.map((t) => t.name));
    const result = await core.runtime.send(agent.id, 'Hello tiny model', { maxSteps: 2 });
    expect(result.steps).toBeGreaterThan(0);
    expect(['replied', 'no_heartbeat', 'max_steps']).toContain(result.stopReason);

    const steps = (await core.recall.search(agent.id, { roles: ['assistant'], limit: 10 })).items;
    expect(steps.length).toBe(result.steps);
    for (const step of steps) {
      const call = step.toolCalls?.[0];
      expect(call && toolNames.has(call.name)).toBe(true);
      expect(() => JSON.parse(call!.arguments)).not.toThrow();
    }
    const results = (await core.recall.search(agent.id, { roles: ['tool'], limit: 10 })).items;
    for (const tool of results) {
      // Tools may refuse (e.g. a block label that does not exist) but never
      // because the call itself was malformed.
      expect(tool.content).not.toMatch(/not valid JSON|Invalid arguments|no tool named/);
    }
    // Every step reports what it evaluated; later steps share the stable prefix.
    expect(result.usage).toHaveLength(result.steps);
    for (const [i, usage] of result.usage.entries()) {
      expect(usage.evaluatedTokens + usage.reusedTokens).toBe(usage.promptTokens);
      if (i > 0) expect(usage.reusedTokens).toBeGreaterThan(0);
    }
  });

  it('reuses the KV cache: a repeated prompt evaluates only its last token', async () => {
    const turns = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Say something.' },
    ];
    const request = {
      purpose: 'summary' as const,
      turns,
      responseSchema: { type: 'object', properties: { summary: { type: 'string', maxLength: 8 } } },
      maxTokens: 200,
    };
    const first = await model.generate(request);
    const promptTokens = await model.countTokens(turns);
    expect(first.usage.promptTokens).toBe(promptTokens);
    const second = await model.generate(request);
    expect(second.usage.reusedTokens).toBe(promptTokens - 1);
    expect(second.usage.evaluatedTokens).toBe(1);
    expect(() => JSON.parse(second.text)).not.toThrow();
  });

  it('keeps the whole prompt when it nearly fills the window, so the cache still matches', async () => {
    // Its own small window: filling 16k tokens twice cost minutes of CPU.
    // tempDir() folders go after each test, so this one writes its own file.
    const smallFile = writeTinyGguf(path.join(tempDir(), 'small.gguf'), { contextLength: 2048 });
    const small = await loadLlamaChatModel({
      modelPath: smallFile,
      contextSize: 2048,
      threads: 2,
      gpu: false,
    });
    onCleanup(() => small.dispose());
    const turns = [
      { role: 'system' as const, content: 'You are terse.' },
      // Byte-level vocabulary: about one token per character.
      { role: 'user' as const, content: 'notes about the garden, '.repeat(80) },
    ];
    const promptTokens = await small.countTokens(turns);
    const room = 2048 - promptTokens;
    expect(room).toBeGreaterThan(0);
    const request = {
      purpose: 'summary' as const,
      turns,
      responseSchema: { type: 'object', properties: { summary: { type: 'string', maxLength: 8 } } },
      // More than is left: the reply must shrink, not the prompt.
      maxTokens: room + 500,
    };
    const first = await small.generate(request);
    expect(first.usage.promptTokens).toBe(promptTokens);
    const second = await small.generate(request);
    expect(second.usage.reusedTokens).toBe(promptTokens - 1);
  });

  it('streams text and stops when cancelled', async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const result = await model.generate(
      {
        purpose: 'summary',
        turns: [{ role: 'user', content: 'Write a long summary.' }],
        responseSchema: { type: 'object', properties: { summary: { type: 'string' } } },
        maxTokens: 2000,
      },
      {
        signal: controller.signal,
        onText: (chunk) => {
          chunks.push(chunk);
          if (chunks.length === 5) controller.abort();
        },
      },
    );
    expect(result.stopReason).toBe('aborted');
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(result.text).toBe(chunks.join(''));
  });
});

describe('model file checks', () => {
  const code = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'loaded',
      (error: unknown) => (error instanceof LocusError ? error.code : String(error)),
    );

  it('names a missing, non-GGUF, truncated or too-large file with an actionable error', async () => {
    const dir = tempDir();
    const good = writeTinyGguf(path.join(dir, 'good.gguf'));
    const notGguf = path.join(dir, 'notes.gguf');
    fs.writeFileSync(notGguf, 'this is a text file, not a model');
    const truncated = path.join(dir, 'cut.gguf');
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const headerOnly = path.join(dir, 'header.gguf');
    fs.writeFileSync(headerOnly, bytes.subarray(0, 64));

    const load = (modelPath: string, extra = {}) =>
      code(loadLlamaChatModel({ modelPath, threads: 1, gpu: false, ...extra }));
    expect(await load(path.join(dir, 'absent.gguf'))).toBe('MODEL_FILE_MISSING');
    expect(await load(notGguf)).toBe('MODEL_FILE_INVALID');
    expect(await load(truncated)).toBe('MODEL_FILE_INVALID');
    expect(await load(headerOnly)).toBe('MODEL_FILE_INVALID');
    expect(await load(dir)).toBe('MODEL_FILE_INVALID');
    expect(await load(good, { availableMemoryBytes: 1024 })).toBe('MODEL_TOO_LARGE');

    const message = await loadLlamaChatModel({ modelPath: truncated, gpu: false }).catch(
      (e: Error) => e.message,
    );
    expect(message).toMatch(/truncated.*download it again/i);
  });

  it('runs with the context it was trained on when the setting asks for more, and says so', async () => {
    const trained4k = writeTinyGguf(path.join(tempDir(), 'tiny-4k.gguf'), { contextLength: 4096 });
    const core = await testCore({
      chatModel: await loadLlamaChatModel({
        modelPath: trained4k,
        contextSize: 8192,
        threads: 1,
        gpu: false,
      }),
    });
    const agent = await core.agents.getOrCreateDefault();
    expect(agent.model.contextSize).toBe(8192);

    const status = await core.handlers['status.get']({});
    expect(status.model).toMatchObject({ contextSize: 4096, trainedContextSize: 4096 });
    expect(statusText(status, agent)).toContain(
      'Model: locus-tiny-test (loaded, 4096 tokens of context: the setting asks for 8192, but locus-tiny-test was trained on 4096, so that is its most)',
    );
  });
});
