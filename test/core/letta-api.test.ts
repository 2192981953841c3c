import Letta from '@letta-ai/letta-client';
import { describe, expect, it } from 'vitest';
import { startOwnerHost } from '../../src/core/host/owner-host';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { workflowAgentFile } from '../fixtures/letta-written-files';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

async function served(options: { lettaApi?: boolean } = {}) {
  const core = await testCore({ chatModel: createScriptedModel() });
  const host = await startOwnerHost({ core, dataDir: tempDir(), kind: 'test', ...options });
  onCleanup(() => host.close());
  const { apiKey } = await core.handlers['interfaces.get']({});
  const client = (key = apiKey) => new Letta({ baseURL: host.url, apiKey: key, maxRetries: 0 });
  return { core, host, client };
}

type Typed = { message_type?: string; content?: unknown; tool_call?: { name: string } };
const ofType = (messages: Typed[], type: string) => messages.filter((m) => m.message_type === type);

describe('Letta-compatible API (@letta-ai/letta-client, scripted model)', () => {
  it('runs the Letta flow: agents, messages, core and archival memory, agent files', async () => {
    const { core, client } = await served({ lettaApi: true });
    const letta = client();

    const agent = await letta.agents.create({
      name: 'helper',
      memory_blocks: [
        { label: 'human', value: 'Nothing known yet.', limit: 2000 },
        { label: 'persona', value: 'I am a careful helper.' },
      ],
    });
    expect(agent.id).toMatch(/^agent-/);
    expect(agent.blocks.map((b) => b.label).sort()).toEqual(['human', 'persona']);
    expect(agent.llm_config.model_endpoint_type).toBe('llamacpp');

    const listed: string[] = [];
    // Auto-pagination follows Letta's `after` cursor and must end.
    for await (const a of letta.agents.list({ limit: 1 })) listed.push(a.name);
    expect(listed).toContain('helper');
    expect((await letta.agents.retrieve(agent.id)).name).toBe('helper');

    const reply = await letta.agents.messages.create(agent.id, {
      messages: [{ role: 'user', content: 'my name is Ada' }],
    });
    const replyMessages = reply.messages as Typed[];
    expect(ofType(replyMessages, 'tool_call_message')[0]?.tool_call?.name).toBe(
      'core_memory_append',
    );
    expect(ofType(replyMessages, 'assistant_message')[0]?.content).toBe(
      "Got it, I'll remember that.",
    );
    expect(ofType(replyMessages, 'user_message')).toHaveLength(0);
    expect(reply.stop_reason.stop_reason).toBe('end_turn');
    expect(reply.usage.total_tokens).toBeGreaterThan(0);

    const stream = await letta.agents.messages.stream(agent.id, {
      messages: [{ role: 'user', content: 'what is my name?' }],
    });
    const streamed: Typed[] = [];
    for await (const chunk of stream) streamed.push(chunk as Typed);
    expect(ofType(streamed, 'assistant_message')[0]?.content).toBe('Your name is Ada.');
    expect(streamed.map((m) => m.message_type).slice(-2)).toEqual([
      'stop_reason',
      'usage_statistics',
    ]);
    const viaCreate = await letta.agents.messages.create(agent.id, {
      messages: [{ role: 'user', content: 'hello' }],
      streaming: true,
    });
    const again: Typed[] = [];
    for await (const chunk of viaCreate) again.push(chunk as Typed);
    expect(ofType(again, 'assistant_message')[0]?.content).toBe('You said: hello');

    const blocks = (await letta.agents.blocks.list(agent.id)).getPaginatedItems();
    expect(blocks.find((b) => b.label === 'human')?.value).toContain('Name: Ada');
    const updated = await letta.agents.blocks.update('human', {
      agent_id: agent.id,
      value: 'Name: Ada Lovelace',
    });
    expect(updated.value).toBe('Name: Ada Lovelace');
    expect((await letta.agents.blocks.retrieve('human', { agent_id: agent.id })).value).toBe(
      'Name: Ada Lovelace',
    );

    const inserted = await letta.agents.passages.create(agent.id, {
      text: 'Ada drinks green tea every morning',
      tags: ['food'],
    });
    expect(inserted[0]?.text).toBe('Ada drinks green tea every morning');
    await letta.agents.passages.create(agent.id, { text: 'The cat is called Tom' });
    const passages = await letta.agents.passages.list(agent.id);
    expect(passages.map((p) => p.text).sort()).toEqual([
      'Ada drinks green tea every morning',
      'The cat is called Tom',
    ]);
    const search = await letta.agents.passages.search(agent.id, { query: 'green tea' });
    expect(search.results[0]).toMatchObject({
      content: 'Ada drinks green tea every morning',
      tags: ['food'],
    });

    const history: Typed[] = [];
    for await (const m of letta.agents.messages.list(agent.id, { limit: 3 })) {
      history.push(m as Typed);
    }
    // Newest first, every message once, across pages.
    expect(ofType(history, 'user_message').map((m) => m.content)).toEqual([
      'hello',
      'what is my name?',
      'my name is Ada',
    ]);
    const ascending = (await letta.agents.messages.list(agent.id, { order: 'asc', limit: 1 }))
      .getPaginatedItems()
      .map((m) => (m as Typed).content);
    expect(ascending).toEqual(['my name is Ada']);

    // A Locus conversation of the agent, named by id: its own thread, listed on its own.
    const side = await core.handlers['conversations.create']({ agentId: agent.id, name: 'side' });
    await letta.post(`/v1/agents/${agent.id}/messages`, {
      body: { messages: [{ role: 'user', content: 'a side note' }], conversation_id: side.id },
    });
    const inSide = await letta.agents.messages.list(agent.id, { conversation_id: side.id });
    expect(
      ofType(inSide.getPaginatedItems() as Typed[], 'user_message').map((m) => m.content),
    ).toEqual(['a side note']);

    const file = await letta.agents.exportFile(agent.id);
    const text = typeof file === 'string' ? file : JSON.stringify(file);
    expect(JSON.parse(text).agents[0].name).toBe('helper');
    const imported = await letta.agents.importFile({
      file: new File([text], 'helper.af', { type: 'application/json' }),
    });
    expect(imported.agent_ids).toHaveLength(1);
    const copy = await letta.agents.retrieve(imported.agent_ids[0] ?? '');
    expect(copy.blocks.find((b) => b.label === 'human')?.value).toBe('Name: Ada Lovelace');

    await letta.agents.delete(agent.id);
    const gone = await letta.agents.retrieve(agent.id).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(Letta.NotFoundError);
    expect((await core.handlers['agents.list']({})).map((a) => a.name)).not.toContain('helper');
  });

  it("records its memory edits as the API's in the activity feed, within the named agent", async () => {
    const { core, client } = await served({ lettaApi: true });
    const letta = client();
    const agent = await letta.agents.create({
      name: 'writer',
      memory_blocks: [{ label: 'human', value: 'Nothing known yet.' }],
    });
    const other = await core.handlers['agents.create']({ name: 'other' });
    const theirs = await core.handlers['archival.insert']({ agentId: other.id, text: 'Not yours' });

    await letta.agents.blocks.update('human', { agent_id: agent.id, value: 'Name: Ada' });
    const [mine] = await letta.agents.passages.create(agent.id, { text: 'Ada likes tea' });
    await letta.agents.passages.delete(mine?.id ?? '', { agent_id: agent.id });

    // Another agent's passage cannot be deleted through this agent's path.
    const refused = await letta.agents.passages
      .delete(theirs.id, { agent_id: agent.id })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Letta.NotFoundError);
    expect((await core.handlers['status.get']({ agentId: other.id })).agent?.passages).toBe(1);

    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed.map((entry) => [entry.actor, entry.action])).toEqual([
      ['api', 'passage.delete'],
      ['api', 'passage.insert'],
      ['api', 'block.rewrite'],
    ]);
  });

  it('answers what it lacks with 501, and refuses without the key or while off', async () => {
    const { core, client, host } = await served();
    const off = await client()
      .agents.list()
      .catch((error: unknown) => error);
    expect(off).toBeInstanceOf(Letta.NotFoundError);
    expect(String((off as Error).message)).toContain('locus serve --letta');
    expect(String((off as Error).message)).toContain('locus api letta on');
    expect(String((off as Error).message)).not.toMatch(/settings/i);

    await core.handlers['interfaces.update']({ lettaApi: true });
    const tools = await client()
      .tools.list()
      .catch((error: unknown) => error);
    expect(tools).toBeInstanceOf(Letta.APIError);
    expect((tools as InstanceType<typeof Letta.APIError>).status).toBe(501);
    expect((tools as InstanceType<typeof Letta.APIError>).error).toMatchObject({
      code: 'NOT_IMPLEMENTED',
      detail: expect.stringContaining('It implements: GET /v1/health, GET /v1/agents'),
    });

    const wrong = await client('nope')
      .agents.list()
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(Letta.AuthenticationError);
    const bare = await fetch(`${host.url}/v1/agents/`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ detail: expect.any(String) });
  });

  it('refuses a top_k or limit that is not a positive whole number, rather than using a default', async () => {
    const { host, core } = await served({ lettaApi: true });
    const { apiKey } = await core.handlers['interfaces.get']({});
    const agent = await core.agents.create({ name: 'Tester' });
    for (const query of [
      'archival-memory/search?query=tea&top_k=-5',
      'archival-memory?limit=1.5',
    ]) {
      const res = await fetch(`${host.url}/v1/agents/${agent.id}/${query}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      // 422, as Letta's FastAPI answers a malformed query parameter.
      expect(res.status).toBe(422);
      expect(await res.text()).toMatch(/positive whole number/);
    }
  });

  it("lists an imported agent's text replies (no send_message call) as assistant messages", async () => {
    const { core, client } = await served({ lettaApi: true });
    // A Letta agent file's assistant speaks in plain content, with no tool call.
    const report = await core.handlers['agentfile.import']({
      text: JSON.stringify(workflowAgentFile()),
    });
    const listed = (
      await client().agents.messages.list(report.agentId, { order: 'asc' })
    ).getPaginatedItems() as Typed[];
    expect(ofType(listed, 'assistant_message').map((m) => m.content)).toEqual([
      'Order 42 is paid; refunding.',
    ]);
    // The step that called a tool is still a call, not something said.
    expect(ofType(listed, 'tool_call_message').map((m) => m.tool_call?.name)).toEqual([
      'lookup_order',
    ]);
  });

  it('lists no message of a conversation the user asked not to remember', async () => {
    const { host, core } = await served({ lettaApi: true });
    const { apiKey } = await core.handlers['interfaces.get']({});
    const agent = await core.agents.create({ name: 'Tester' });
    await core.recall.append(agent.id, { role: 'user', content: 'remembered hello' });
    const quiet = await core.handlers['conversations.create']({ agentId: agent.id });
    await core.handlers['conversations.setRemember']({ conversationId: quiet.id, remember: false });
    await core.recall.append(agent.id, {
      role: 'user',
      content: 'private words',
      conversationId: quiet.id,
    });
    const res = await fetch(`${host.url}/v1/agents/${agent.id}/messages`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const text = await res.text();
    expect(text).toContain('remembered hello');
    expect(text).not.toContain('private words');
  });
  it('answers 404 for a message cursor that names no message, in either order', async () => {
    const { host, core } = await served({ lettaApi: true });
    const { apiKey } = await core.handlers['interfaces.get']({});
    const agent = await core.agents.create({ name: 'Tester' });
    await core.recall.append(agent.id, { role: 'user', content: 'hello' });
    for (const query of [
      'after=message-nope',
      'before=message-nope&order=asc',
      'before=message-nope',
    ]) {
      const res = await fetch(`${host.url}/v1/agents/${agent.id}/messages?${query}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/No message found with id message-nope/);
    }
  });
  it('answers 404 for an agent, block or passage cursor that names nothing in the list, as for messages', async () => {
    const { host, core } = await served({ lettaApi: true });
    const { apiKey } = await core.handlers['interfaces.get']({});
    const agent = await core.agents.create({ name: 'Tester' });
    await core.archival.insert(agent.id, { text: 'Tea at four' });
    const get = (path: string) =>
      fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    for (const [path, code] of [
      ['/v1/agents', 'AGENT_NOT_FOUND'],
      [`/v1/agents/${agent.id}/core-memory/blocks`, 'BLOCK_NOT_FOUND'],
      [`/v1/agents/${agent.id}/archival-memory`, 'PASSAGE_NOT_FOUND'],
    ] as const) {
      for (const cursor of ['after', 'before']) {
        const res = await get(`${path}?${cursor}=nope-1`);
        expect(res.status, `${path} ${cursor}`).toBe(404);
        const body = (await res.json()) as { detail: string; code: string };
        expect(body.code).toBe(code);
        expect(body.detail).toMatch(new RegExp(`nope-1 \\(the ${cursor} cursor\\)`));
      }
      // A cursor from the list itself still pages.
      const all = (await (await get(path)).json()) as Array<{ id: string }>;
      const first = all[0]?.id ?? '';
      const rest = (await (await get(`${path}?after=${first}`)).json()) as Array<{ id: string }>;
      expect(rest.map((i) => i.id)).toEqual(all.slice(1).map((i) => i.id));
    }
  });
});
