import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/create-core';
import { createScriptedModel, type Script } from '../../src/core/models/scripted-model';
import {
  DELETED_QUOTE,
  FORGOTTEN_QUOTE,
  NOT_REMEMBERED_QUOTE,
} from '../../src/shared/search-quotes';
import { PIN, surfacedText } from '../helpers/quoted-elsewhere';
import { testCore } from '../helpers/test-core';

const reply = (message: string) => ({
  thinking: 'Answering.',
  tool: 'send_message',
  arguments: { message },
});

/**
 * An agent that searches when asked ("find …" in the conversation, "look up …"
 * in archival memory) and then answers without repeating what it found: what
 * the model reads of a forgotten memory can then only come from the result.
 */
const searching: Script = (request, call) => {
  const last = [...request.turns].reverse().find((t) => t.role !== 'system')?.content ?? '';
  if (/^\[\w+ result\] /.test(last)) return reply('Found it.');
  const asked = /(find|look up) (.+?)\?*$/.exec(last);
  // Numbered, so each reply can be told from the others in a result.
  if (!asked) return reply(`Noted (${call}).`);
  const args = { query: asked[2], page: null, request_heartbeat: true };
  return asked[1] === 'find'
    ? {
        thinking: 'It is in the conversation history.',
        tool: 'conversation_search',
        arguments: { ...args, start_date: null, end_date: null },
      }
    : {
        thinking: 'Let me look in archival memory.',
        tool: 'archival_memory_search',
        arguments: { ...args, tags: null, start_datetime: null, end_datetime: null },
      };
};

/** The message of the last result of `tool` in a conversation's context, as its runtime shows it. */
async function resultOf(
  core: Core,
  agentId: string,
  conversationId: string | undefined,
  tool: string,
) {
  const context = await core.runtime.contextMessages(agentId, conversationId);
  const result = context.filter((m) => m.role === 'tool' && m.name === tool).at(-1);
  return (JSON.parse(result!.content) as { message: string }).message;
}

/** `result` with each line that holds one of `texts` replaced by `notice`, the others as they were. */
function replaced(result: string, texts: string[], notice: string): string {
  return result
    .split('\n')
    .map((line) => (texts.some((text) => line.includes(text)) ? notice : line))
    .join('\n');
}

/**
 * A PIN told in "Diary" and bees in "Open", both found by a
 * conversation_search the agent ran in "Later" (one result for both).
 */
async function foundElsewhere() {
  const model = createScriptedModel({ script: searching });
  const core = await testCore({ chatModel: model });
  const agent = await core.agents.create({ name: 'Tester' });
  const conversation = (name: string) =>
    core.handlers['conversations.create']({ agentId: agent.id, name });
  const [diary, open, later] = [
    await conversation('Diary'),
    await conversation('Open'),
    await conversation('Later'),
  ];
  await core.runtime.send(agent.id, 'My bank PIN is 4242, keep it safe.', {
    conversationId: diary.id,
  });
  await core.runtime.send(agent.id, 'I keep bees on the roof.', { conversationId: open.id });
  await core.runtime.send(agent.id, 'Please find bank PIN bees', { conversationId: later.id });
  const result = () => resultOf(core, agent.id, later.id, 'conversation_search');
  expect(await result()).toContain(PIN);
  expect(await result()).toContain('I keep bees on the roof.');
  // Nothing was surfaced for that turn: the result is the only copy there.
  expect(await surfacedText(core, agent.id, later.id)).not.toContain(PIN);
  /** Everything the model read on its last step. */
  const prompt = () => JSON.stringify(model.calls.at(-1)?.turns);
  return { core, model, agent, diary, later, result, prompt };
}

async function userMessage(core: Core, agentId: string, words: string) {
  const found = await core.recall.search(agentId, { query: words, roles: ['user'], limit: 1 });
  return found.items[0]!;
}

describe('what the search tools found, once the user takes it back', () => {
  it('rewrites a conversation_search result that quoted a forgotten message; the other item stays', async () => {
    const { core, agent, later, result, prompt } = await foundElsewhere();
    const before = await result();
    const message = await userMessage(core, agent.id, 'bank PIN 4242');
    expect(message.content).toBe('My bank PIN is 4242, keep it safe.');

    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    const after = await result();
    expect(after).not.toContain(PIN);
    // Only the forgotten exchange's items changed (the PIN and the answer to
    // it, "Noted (0)."): each whole line is the notice.
    expect(after).toBe(replaced(before, [PIN, 'Noted (0).'], FORGOTTEN_QUOTE));
    expect(after).toContain('I keep bees on the roof.');
    // No stored message holds it any more.
    const stored = await core.database.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE strpos(content, $1) > 0',
      [PIN],
    );
    expect(stored.rows[0]!.n).toBe(0);
    // The app shows it so, and the model's next step there reads it so.
    const context = await core.handlers['chat.context']({
      agentId: agent.id,
      conversationId: later.id,
    });
    expect(JSON.stringify(context)).not.toContain(PIN);
    await core.runtime.send(agent.id, 'Thanks.', { conversationId: later.id });
    expect(prompt()).not.toContain(PIN);
    expect(prompt()).toContain(FORGOTTEN_QUOTE);

    // The feed counts it, and holds no text of it.
    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry?.summary).toBe(
      'Forgot a message and what came from it (2 quotes in search results)',
    );
  });

  it('rewrites it when the conversation it came from is marked "don\'t remember"', async () => {
    const { core, agent, diary, later, result, prompt } = await foundElsewhere();
    const before = await result();
    await core.handlers['conversations.setRemember']({
      conversationId: diary.id,
      remember: false,
    });
    expect(await result()).toBe(replaced(before, [PIN, 'Noted (0).'], NOT_REMEMBERED_QUOTE));
    await core.runtime.send(agent.id, 'Thanks.', { conversationId: later.id });
    expect(prompt()).not.toContain(PIN);
    expect(prompt()).toContain('I keep bees on the roof.');
    // The diary keeps its history.
    const diaryContext = await core.runtime.contextMessages(agent.id, diary.id);
    expect(diaryContext.map((m) => m.content)).toContain('My bank PIN is 4242, keep it safe.');

    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry?.action).toBe('conversation.dont_remember');
    // The search result's two items.
    expect(entry?.summary).toContain('2 quotes of it were taken out of other conversations');
    expect(JSON.stringify(entry)).not.toContain(PIN);
  });

  it('rewrites it when the conversation it came from is deleted', async () => {
    const { core, diary, result } = await foundElsewhere();
    const before = await result();
    await core.handlers['conversations.delete']({ conversationId: diary.id });
    expect(await result()).toBe(replaced(before, [PIN, 'Noted (0).'], DELETED_QUOTE));
  });

  it('still finds what a result quoted after an export and import, and rewrites it there', async () => {
    const { core, agent } = await foundElsewhere();
    const file = await core.handlers['agentfile.export']({ agentId: agent.id });
    const { agentId } = await core.handlers['agentfile.import']({ text: file.text });
    const conversations = await core.handlers['conversations.list']({ agentId });
    const later = conversations.find((c) => c.name === 'Later')!;
    const result = () => resultOf(core, agentId, later.id, 'conversation_search');
    const before = await result();
    expect(before).toContain(PIN);

    const message = await userMessage(core, agentId, 'bank PIN 4242');
    await core.handlers['memory.forget']({ agentId, target: { kind: 'message', id: message.id } });
    expect(await result()).toBe(replaced(before, [PIN, 'Noted (0).'], FORGOTTEN_QUOTE));
  });

  it('rewrites an archival_memory_search result that found a forgotten passage, keeping the others', async () => {
    const model = createScriptedModel({ script: searching });
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Tester' });
    const pin = await core.archival.insert(agent.id, { text: 'My bank PIN is 4242.' });
    await core.archival.insert(agent.id, { text: 'My bank is on Rue Royale.' });
    await core.runtime.send(agent.id, 'Please look up my bank');
    const result = () => resultOf(core, agent.id, undefined, 'archival_memory_search');
    const before = await result();
    expect(before).toContain(PIN);
    expect(before).toContain('Rue Royale');

    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'passage', id: pin.id },
    });
    expect(await result()).toBe(replaced(before, [PIN], FORGOTTEN_QUOTE));
    await core.runtime.send(agent.id, 'Thanks.');
    expect(JSON.stringify(model.calls.at(-1)?.turns)).not.toContain(PIN);
  });
});
