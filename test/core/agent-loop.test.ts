import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/shared/contract';
import { createCore } from '../../src/core/create-core';
import { loadSavedModel } from '../../src/core/host/open-app-core';
import { SCRIPTED_MODEL } from '../../src/core/models/model-manager';
import {
  createScriptedModel,
  memoryDemoScript,
  type Script,
} from '../../src/core/models/scripted-model';
import { call } from '../../src/core/host/call';
import { durableStorage, onCleanup, testCore } from '../helpers/test-core';

const reply = (message: string) => ({
  thinking: 't',
  tool: 'send_message',
  arguments: { message },
});

async function setup(script?: Script, contextSize?: number, chunkDelayMs?: number) {
  const model = createScriptedModel({
    ...(script ? { script } : {}),
    ...(contextSize ? { contextSize } : {}),
    ...(chunkDelayMs ? { chunkDelayMs } : {}),
  });
  const core = await testCore({ chatModel: model });
  const agent = await core.agents.create({ name: 'Tester' });
  return { core, model, agentId: agent.id };
}

describe('agent loop', () => {
  it('remembers a fact across processes: stored by a memory tool, recalled by a new core on the same data dir', async () => {
    const storage = await durableStorage();
    const first = await createCore({ ...storage, chatModel: createScriptedModel() });
    const agent = await first.agents.getOrCreateDefault();
    const told = await first.runtime.send(agent.id, 'Hi! My name is Ada.');
    expect(told).toMatchObject({
      reply: "Got it, I'll remember that.",
      stopReason: 'replied',
      steps: 2,
    });
    await first.runtime.send(agent.id, 'Remember that the spare key is under the blue pot');
    await first.dispose();

    const second = await createCore({ ...storage, chatModel: createScriptedModel() });
    onCleanup(() => second.dispose());
    const again = await second.agents.getOrCreateDefault();
    expect(again.id).toBe(agent.id);
    expect((await second.runtime.send(again.id, 'What is my name?')).reply).toBe(
      'Your name is Ada.',
    );
    const found = await second.runtime.send(again.id, 'search spare key');
    expect(found.reply).toBe('Here is what I found: the spare key is under the blue pot');
    // The passage records which user message it came from.
    const passage = (await second.archival.search(again.id, { query: 'spare key' })).items[0];
    expect(passage?.source.kind).toBe('agent');
    expect((await second.recall.get(passage?.source.ref as string)).content).toContain('spare key');
  });

  it('chains steps while tools ask for a heartbeat and stops at send_message', async () => {
    const { core, agentId } = await setup(
      (_req, call) =>
        [
          {
            thinking: 'a',
            tool: 'core_memory_append',
            arguments: { label: 'human', content: 'Likes tea', request_heartbeat: true },
          },
          {
            thinking: 'b',
            tool: 'archival_memory_insert',
            arguments: { content: 'Tea: oolong', tags: ['food'], request_heartbeat: true },
          },
          reply('Noted both.'),
        ][call] ?? reply('extra'),
    );
    const result = await core.runtime.send(agentId, 'I like oolong tea');
    expect(result).toMatchObject({ reply: 'Noted both.', stopReason: 'replied', steps: 3 });
    expect((await core.coreMemory.get(agentId, 'human')).value).toBe('Likes tea');
    const roles = (await core.recall.recent(agentId, 20)).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool']);
  });

  it('ends the turn after a tool without a heartbeat request', async () => {
    const { core, agentId } = await setup(() => ({
      thinking: 'x',
      tool: 'core_memory_append',
      arguments: { label: 'human', content: 'quiet', request_heartbeat: false },
    }));
    // Letta's rule; the small profile gives every memory tool another step.
    await core.agents.update(agentId, { memory: { toolProfile: 'letta' } });
    expect(await core.runtime.send(agentId, 'hello')).toMatchObject({
      reply: null,
      stopReason: 'no_heartbeat',
      steps: 1,
    });
  });

  it('stops an endless tool loop at the step cap and says so in the conversation', async () => {
    const { core, agentId, model } = await setup(() => ({
      thinking: 'again',
      tool: 'archival_memory_search',
      arguments: {
        query: 'x',
        tags: null,
        start_datetime: null,
        end_datetime: null,
        page: null,
        request_heartbeat: true,
      },
    }));
    const result = await core.runtime.send(agentId, 'loop please', { maxSteps: 4 });
    expect(result).toMatchObject({ stopReason: 'max_steps', steps: 4, reply: null });
    expect(model.calls).toHaveLength(4);
    const last = (await core.recall.recent(agentId, 1))[0];
    expect(last).toMatchObject({ role: 'system', kind: 'event' });
    expect(last?.content).toContain('Stopped after 4 steps');
  });

  it('returns tool errors and malformed replies to the model, which recovers', async () => {
    const seen: string[] = [];
    const { core, agentId } = await setup((req, call) => {
      seen.push(req.turns.at(-2)?.content ?? '');
      if (call === 0)
        return {
          thinking: 'oops',
          tool: 'core_memory_append',
          arguments: { label: 'nope', content: 'x', request_heartbeat: false },
        };
      if (call === 1) return 'this is not json';
      if (call === 2)
        return { thinking: 'no args', tool: 'core_memory_replace', arguments: { label: 'human' } };
      if (call === 3) return { thinking: 'ghost', tool: 'delete_everything', arguments: {} };
      return reply('Recovered.');
    });
    const result = await core.runtime.send(agentId, 'edit memory');
    expect(result).toMatchObject({ reply: 'Recovered.', stopReason: 'replied', steps: 5 });
    expect(seen[1]).toContain('There is no memory block labelled \\"nope\\"');
    expect(seen[2]).toContain('not valid JSON');
    expect(seen[3]).toContain('Invalid arguments for core_memory_replace');
    expect(seen[4]).toContain('There is no tool named \\"delete_everything\\"');
    const failures = (await core.recall.search(agentId, { roles: ['tool'], limit: 20 })).items;
    expect(failures.filter((m) => JSON.parse(m.content).status === 'Failed')).toHaveLength(4);
  });

  it('summarises and evicts old messages when the window would overflow, keeping every message in recall', async () => {
    const { core, agentId, model } = await setup(undefined, 3000);
    const events: AgentEvent[] = [];
    for (let i = 0; i < 30; i++) {
      await core.runtime.send(
        agentId,
        `Message number ${i} about topic ${i} with some padding text to fill the window`,
        {
          onEvent: (e) => events.push(e),
        },
      );
    }
    const summarized = events.filter((e) => e.type === 'summarized');
    expect(summarized.length).toBeGreaterThan(0);
    // 30 turns x (user + assistant + tool) plus the summaries and the
    // memories surfaced for some messages: nothing was lost.
    const surfaced = events.filter((e) => e.type === 'message' && e.message.kind === 'memories');
    expect(await core.recall.count(agentId)).toBe(90 + summarized.length + surfaced.length);
    const context = await core.runtime.contextMessages(agentId);
    expect(context[0]?.kind).toBe('summary');
    expect(context.length).toBeLessThan(90);
    // The summary holds what left the context most recently; it is bounded
    // (the scripted summariser echoes everything, which once grew every
    // prompt past the window), and the oldest messages stay in recall.
    expect(context[0]?.content).toMatch(/Message number \d+/);
    expect(context[0]!.content.length).toBeLessThan(3000);
    const prompt = await core.runtime.preview(agentId);
    expect(prompt[0]?.content).toContain('Summary of earlier conversation');
    // A summary request opens with the system turn of the step before it, so
    // that step's KV cache still serves it.
    const summaryCalls = model.calls.flatMap((call, i) =>
      call.purpose === 'summary' ? [{ call, before: model.calls[i - 1] }] : [],
    );
    expect(summaryCalls.length).toBe(summarized.length);
    for (const { call, before } of summaryCalls) {
      expect(before?.purpose).toBe('step');
      expect(call.turns[0]).toEqual(before?.turns[0]);
      expect(call.turns[1]?.content).toContain('Messages leaving the context');
    }
    // Every prompt the model saw fitted its window.
    for (const call of model.calls)
      expect(await model.countTokens(call.turns)).toBeLessThanOrEqual(3000);
    // The evicted messages are still searchable (the scripted replies echo
    // them, so the user's own is asked for).
    expect(
      (await core.recall.search(agentId, { query: 'number 0 topic 0', roles: ['user'] })).items[0]
        ?.content,
    ).toContain('Message number 0');
  });

  it('warns the model when the context window is nearly full', async () => {
    // Sized for the small profile's prompt (about 600 tokens).
    const { core, agentId, model } = await setup(undefined, 2000);
    for (let i = 0; i < 12; i++) await core.runtime.send(agentId, `filler ${i} `.repeat(8));
    const warned = model.calls.some((c) => c.turns.at(-1)?.content.includes('context window is'));
    expect(warned).toBe(true);
  });

  it('shows the pressure warning in the context it reports, as the model sees it', async () => {
    const { core, agentId, model } = await setup(undefined, 2000);
    const warning = /Warning: the context window is \d+% full/;
    for (let i = 0; i < 12; i++) {
      await core.runtime.send(agentId, `filler ${i} `.repeat(8));
      const last = model.calls.filter((c) => c.purpose === 'step').at(-1)!;
      // The turn's last step saw the window this full; its reply made it fuller.
      if (!warning.test(last.turns.at(-1)!.content)) continue;
      const context = await call(core.handlers, 'chat.context', { agentId });
      expect(context.prompt.at(-1)?.content).toMatch(warning);
      return;
    }
    expect.unreachable('the model was never warned');
  });

  it('streams the reply as tokens and reports prompt tokens reused between steps', async () => {
    const { core, agentId } = await setup();
    const tokens: string[] = [];
    const result = await core.runtime.send(agentId, 'My name is Grace', {
      onEvent: (e) => {
        if (e.type === 'token') tokens.push(e.text);
      },
    });
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(result.reply);
    expect(result.usage).toHaveLength(2);
    expect(result.usage[1]?.reusedTokens).toBeGreaterThan(0);
    expect(result.usage[1]?.evaluatedTokens).toBeLessThan(result.usage[1]!.promptTokens);
  });

  it('cancels mid-generation promptly and records it', async () => {
    const { core, agentId } = await setup(undefined, undefined, 30);
    const controller = new AbortController();
    // Promptly means by events, not by a clock: cancelled at the first
    // streamed chunk, generation stops before the next one.
    let tokens = 0;
    const result = await core.runtime.send(agentId, 'a long answer please', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'token') return;
        tokens++;
        controller.abort();
      },
    });
    expect(result.stopReason).toBe('cancelled');
    expect(tokens).toBe(1);
    expect((await core.recall.recent(agentId, 1))[0]?.content).toBe('Stopped by the user.');
  });

  it('stopped while summarising, evicts nothing and writes no summary', async () => {
    const controller = new AbortController();
    // The summary request is where the user presses Stop.
    const script: Script = (request, i) => {
      if (request.purpose === 'summary') {
        controller.abort();
        return { summary: 'A summary the model never finished.' };
      }
      return memoryDemoScript(request, i);
    };
    const { core, agentId, model } = await setup(script, 2000);
    let turn = 0;
    while (!model.calls.some((c) => c.purpose === 'summary') && turn < 40) {
      const before = await core.runtime.contextMessages(agentId);
      const result = await core.runtime.send(agentId, `filler ${turn++} `.repeat(12), {
        signal: controller.signal,
      });
      if (!controller.signal.aborted) continue;
      expect(result.stopReason).toBe('cancelled');
      // The context is as it was, plus the turn's message and the stop notice.
      const after = await core.runtime.contextMessages(agentId);
      expect(after.slice(0, before.length).map((m) => m.id)).toEqual(before.map((m) => m.id));
      expect(after.slice(before.length).map((m) => m.role)).toEqual(['user', 'system']);
      expect(after.at(-1)?.content).toBe('Stopped by the user.');
    }
    expect(controller.signal.aborted).toBe(true);
    const summaries = await call(core.handlers, 'recall.search', {
      agentId,
      roles: ['system'],
      limit: 50,
    });
    expect(summaries.items.filter((m) => m.kind === 'summary')).toEqual([]);
  });

  it('refuses to chat without a model, with an actionable message, and stores nothing', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'NoModel' });
    await expect(core.runtime.send(agent.id, 'hi')).rejects.toMatchObject({
      code: 'MODEL_NOT_CONFIGURED',
      message: expect.stringContaining('.gguf'),
    });
    expect(await core.recall.count(agent.id)).toBe(0);
  });

  it('says why there is no model when the one last used failed to load (its file is gone)', async () => {
    const core = await testCore();
    const agent = await core.agents.getOrCreateDefault();
    const gone = '/nowhere/locus-test/moved-away.gguf';
    await core.agents.update(agent.id, { model: { modelPath: gone } });
    // What the app does at start, in the background.
    expect((await loadSavedModel(core))?.code).toBe('MODEL_FILE_MISSING');
    const failure = core.handlers['chat.send']({ agentId: agent.id, text: 'hi' });
    await expect(failure).rejects.toMatchObject({
      code: 'MODEL_NOT_CONFIGURED',
      message: expect.stringMatching(/could not be loaded.*moved-away\.gguf does not exist/),
    });
    // The way back: a model that loads.
    await core.handlers['models.load']({ agentId: agent.id, choice: SCRIPTED_MODEL });
    await expect(
      core.handlers['chat.send']({ agentId: agent.id, text: 'hi' }),
    ).resolves.toBeTruthy();
  });
});

describe('a model loading while the core closes', () => {
  it('closing waits for the load, disposes the model it gave and keeps the settings write', async () => {
    let finishLoad: () => void = () => undefined;
    let started: () => void = () => undefined;
    const loadStarted = new Promise<void>((resolve) => (started = resolve));
    let disposed = 0;
    const core = await testCore({
      // A load that takes as long as the test says (a real one takes seconds).
      openModel: async () => {
        started();
        await new Promise<void>((resolve) => (finishLoad = resolve));
        const model = createScriptedModel();
        const dispose = model.dispose.bind(model);
        model.dispose = async () => {
          disposed += 1;
          await dispose();
        };
        return model;
      },
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.agents.update(agent.id, { model: { modelPath: SCRIPTED_MODEL } });
    // What the app does at start, in the background; the user quits meanwhile.
    const loading = loadSavedModel(core);
    await loadStarted;
    const closing = core.dispose();
    finishLoad();
    await closing;
    expect(await loading).toBeNull();
    expect(disposed).toBe(1);
    // A load asked for once closing began is refused, not started.
    await expect(
      core.handlers['models.load']({ agentId: agent.id, choice: SCRIPTED_MODEL }),
    ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/closing/) });
  });
});
