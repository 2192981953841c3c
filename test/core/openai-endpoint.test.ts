import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startOwnerHost } from '../../src/core/host/owner-host';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

async function served(options: { openaiApi?: boolean } = {}) {
  const core = await testCore({ chatModel: createScriptedModel() });
  const agent = await core.handlers['agents.getDefault']({});
  const host = await startOwnerHost({ core, dataDir: tempDir(), kind: 'test', ...options });
  onCleanup(() => host.close());
  const { apiKey } = await core.handlers['interfaces.get']({});
  const client = (key = apiKey) =>
    new OpenAI({ baseURL: `${host.url}/v1`, apiKey: key, maxRetries: 0 });
  return { core, agent, host, apiKey, client };
}

describe('OpenAI-compatible endpoint (the official openai client, scripted model)', () => {
  it('is off until the setting turns it on, and says how', async () => {
    const { core, client } = await served();
    const off = await client()
      .models.list()
      .catch((error: unknown) => error);
    expect(off).toBeInstanceOf(OpenAI.NotFoundError);
    const said = (off as InstanceType<typeof OpenAI.NotFoundError>).message;
    expect(said).toContain('locus serve --openai');
    // For good: the command that exists (the app has no such switch in its settings).
    expect(said).toContain('locus api openai on');
    expect(said).not.toMatch(/settings/i);
    await core.handlers['interfaces.update']({ openaiApi: true });
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(['Locus']);
  });

  it('completes a chat and a streamed chat as the agent, keeping its memory', async () => {
    const { core, agent, client } = await served({ openaiApi: true });
    const openai = client();

    const first = await openai.chat.completions.create({
      model: 'Locus',
      messages: [{ role: 'user', content: 'my name is Ada' }],
    });
    expect(first.object).toBe('chat.completion');
    expect(first.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: "Got it, I'll remember that.",
    });
    expect(first.choices[0]?.finish_reason).toBe('stop');
    expect(first.usage?.total_tokens).toBeGreaterThan(0);
    // The agent stored the name in core memory, as in any chat.
    const blocks = await core.handlers['blocks.list']({ agentId: agent.id });
    expect(blocks.find((b) => b.label === 'human')?.value).toContain('Name: Ada');

    // Earlier messages in the request are not replayed: the agent remembers.
    const stream = await openai.chat.completions.create({
      model: agent.id,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'user', content: 'my name is Ada' },
        { role: 'assistant', content: "Got it, I'll remember that." },
        { role: 'user', content: [{ type: 'text', text: 'what is my name?' }] },
      ],
    });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.join('')).toBe('Your name is Ada.');
    expect(pieces.length).toBeGreaterThan(1);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ total_tokens: expect.any(Number) });

    const recent = await core.handlers['recall.recent']({ agentId: agent.id, limit: 50 });
    expect(recent.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'my name is Ada',
      'what is my name?',
    ]);
  });

  it('puts chats in the conversation named by the header or the user field', async () => {
    const { core, agent, client } = await served({ openaiApi: true });
    const openai = client();
    const ask = (content: string, extra: Record<string, unknown> = {}, headers = {}) =>
      openai.chat.completions.create(
        { model: 'Locus', messages: [{ role: 'user', content }], ...extra },
        { headers },
      );
    await ask('my name is Ada');
    await ask('hello work', {}, { 'X-Locus-Conversation': 'Work' });
    await ask('hello again', {}, { 'X-Locus-Conversation': 'Work' });
    await ask('hello from alice', { user: 'alice' });

    const conversations = await core.handlers['conversations.list']({ agentId: agent.id });
    const said = async (name: string) => {
      const id = conversations.find((c) => c.name === name)?.id;
      const messages = await core.handlers['recall.recent']({
        agentId: agent.id,
        conversationId: id ?? 'missing',
        limit: 50,
      });
      return messages.filter((m) => m.role === 'user').map((m) => m.content);
    };
    expect(await said('Work')).toEqual(['hello work', 'hello again']);
    expect(await said('API: alice')).toEqual(['hello from alice']);
    const others = conversations.filter((c) => c.name !== 'Work' && c.name !== 'API: alice');
    expect(others).toHaveLength(1);
    expect(await said(others[0]?.name ?? '')).toEqual(['my name is Ada']);
  });

  it('refuses a missing or wrong key and unknown models, in OpenAI error shapes', async () => {
    const { client, host } = await served({ openaiApi: true });
    const wrong = await client('sk-wrong')
      .models.list()
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    // An API client has no address to open: it is told where the key is.
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain(
      'locus api',
    );

    const bare = await fetch(`${host.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key' },
    });

    const unknown = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

    const noUser = await client()
      .chat.completions.create({ model: 'Locus', messages: [{ role: 'system', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(noUser).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('answers OpenAI endpoints it lacks in OpenAI error shape, naming the ones it has', async () => {
    for (const openaiApi of [true, false]) {
      const { client } = await served({ openaiApi });
      const embeddings = await client()
        .embeddings.create({ model: 'Locus', input: 'x' })
        .catch((error: unknown) => error);
      expect(embeddings).toBeInstanceOf(OpenAI.APIError);
      const failure = embeddings as InstanceType<typeof OpenAI.APIError>;
      expect(failure.status).toBe(501);
      expect(failure.code).toBe('not_implemented');
      expect(failure.message).toContain('/v1/chat/completions');
      // Not Letta's API, which the OpenAI client never asked about.
      expect(failure.message).not.toMatch(/letta/i);
      const responses = await client()
        .responses.create({ model: 'Locus', input: 'x' })
        .catch((error: unknown) => error);
      expect((responses as InstanceType<typeof OpenAI.APIError>).status).toBe(501);
    }
  });

  it('refuses a too-long message as OpenAI does: string_above_max_length on its content', async () => {
    const { client } = await served({ openaiApi: true });
    const long = await client()
      .chat.completions.create({
        model: 'Locus',
        messages: [
          { role: 'system', content: 'x' },
          { role: 'user', content: 'a'.repeat(100_001) },
        ],
      })
      .catch((error: unknown) => error);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    const error = long as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.code).toBe('string_above_max_length');
    expect(error.param).toBe('messages[1].content');
    expect(error.message).toContain(
      "Invalid 'messages[1].content': string too long. Expected a string with maximum length 100000, but got a string with length 100001 instead.",
    );
  });
});
