import { describe, expect, it } from 'vitest';
import { compileContext } from '../../src/core/agent/context-compiler';
import { newestPart, withCoverage } from '../../src/core/agent/summarizer';
import { summaryBody } from '../../src/shared/summary-coverage';
import { archivalMemorySearch, conversationSearch } from '../../src/core/agent/tools/search-tools';
import type { ToolContext } from '../../src/core/agent/tools/tool-context';
import { FakeClock } from '../../src/core/clock';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { call } from '../../src/core/host/call';
import type { Message } from '../../src/shared/entities';
import { labelledMinute, parseLabelledMinute } from '../../src/shared/local-time';
import { renderSurfacedBlock, type SurfacedBlock } from '../../src/shared/surfaced-memories';
import {
  appendAcrossAucklandDays,
  AUCKLAND,
  MORNING_OF_THE_2ND,
  NIGHT_OF_THE_3RD,
} from '../helpers/auckland-days';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { restartCore, testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

// In Auckland local midnight starting the 1st of December, as consolidation
// stores the end of a fact that stopped being true then.
const END_OF_NOVEMBER = '2026-11-30T11:00:00.000Z';

const message = (over: Partial<Message> & Pick<Message, 'role' | 'content'>): Message => ({
  id: `m-${over.content.length}-${over.createdAt ?? ''}`,
  agentId: 'a',
  conversationId: 'c',
  seq: 1,
  kind: 'chat',
  toolCalls: null,
  toolCallId: null,
  name: null,
  createdAt: MORNING_OF_THE_2ND,
  ...over,
});

const block: SurfacedBlock = {
  items: [
    {
      id: 'p1',
      tier: 'recall',
      source: 'conversation',
      at: MORNING_OF_THE_2ND,
      speaker: 'user',
      text: 'Breakfast with Mira',
      until: END_OF_NOVEMBER,
    },
  ],
  tokens: 20,
};

/** A core with the two messages either side of a UTC day's end, and the search tools' context. */
async function searchable() {
  const core = await testCore();
  const agent = await core.agents.create({ name: 'Diary' });
  await appendAcrossAucklandDays(core, agent.id);
  await core.archival.insert(agent.id, {
    text: 'Mira took the early ferry',
    tags: [],
    createdAt: MORNING_OF_THE_2ND,
    validUntil: END_OF_NOVEMBER,
  });
  const ctx = { agentId: agent.id, archival: core.archival, recall: core.recall } as ToolContext;
  return { core, agent, ctx };
}

/** Every turn the model is given for this prompt, as one text. */
async function prompt(zoneCore: Awaited<ReturnType<typeof searchable>>, now: string) {
  const { core, agent, ctx } = zoneCore;
  const found = await conversationSearch.run(
    { query: '', start_date: '2026-12-02', end_date: '2026-12-02', page: undefined },
    ctx,
  );
  const turns = compileContext({
    agent: await core.agents.get(agent.id),
    messages: [
      message({
        role: 'system',
        kind: 'summary',
        content: withCoverage(
          null,
          [
            message({ role: 'user', content: 'Hi' }),
            message({ role: 'user', content: 'Bye', createdAt: NIGHT_OF_THE_3RD }),
          ],
          'The user said hi.',
        ),
      }),
      message({ role: 'user', content: 'What did I do yesterday?', createdAt: now }),
      message({ role: 'system', kind: 'memories', content: JSON.stringify(block), createdAt: now }),
      message({
        role: 'tool',
        name: 'conversation_search',
        content: found.message,
        createdAt: now,
      }),
    ],
    tools: [],
    toolGuide: '(tools)',
    now: new Date(now),
    recallCount: 4,
    archivalCount: 1,
  });
  return turns.map((t) => t.content).join('\n---\n');
}

describe('what the model reads about time, in Auckland (UTC+13 in December)', () => {
  inTimeZone(AUCKLAND);

  it('labels a local time with the offset of its day', () => {
    expect(labelledMinute(new Date(MORNING_OF_THE_2ND))).toBe('2026-12-02 09:00 UTC+13:00');
    expect(labelledMinute(new Date('2026-07-01T00:00:00.000Z'))).toBe('2026-07-01 12:00 UTC+12:00');
  });

  it('every part of a prompt shows local days and times', async () => {
    const text = await prompt(await searchable(), MORNING_OF_THE_2ND);
    expect(text).toContain('Current time: 2026-12-02 09:00 UTC+13:00.');
    expect(text).toContain(
      'Summary of the conversation from 2026-12-02 09:00 to 2026-12-03 01:00 UTC+13:00:\nThe user said hi.',
    );
    // The search for the 2nd finds the breakfast (09:00 on the 2nd), not the film (01:00 on the 3rd).
    expect(text).toContain('Results (page 0):\n[2026-12-02 09:00] user: Breakfast with Mira');
    expect(text).not.toContain('Late film');
    expect(text).toContain(
      '2026-12-02, true until 2026-12 · conversation:\n- user: Breakfast with Mira',
    );
    expect(text).not.toMatch(/2026-12-01|2026-11/);
  });

  it('archival results date a passage and the end of a past fact by local days', async () => {
    const { ctx } = await searchable();
    const found = await archivalMemorySearch.run(
      {
        query: 'ferry',
        tags: undefined,
        start_datetime: '2026-12-02',
        end_datetime: '2026-12-02',
        page: undefined,
      },
      ctx,
    );
    expect(found.message).toBe(
      'Results (page 0):\n[2026-12-02 09:00] Mira took the early ferry (until 2026-12-01)',
    );
  });

  it('a summary header written in UTC still parses, and the next one continues it in local time', () => {
    const stored =
      'Summary of the conversation from 2026-12-01 20:00 to 2026-12-01 23:00 UTC:\nOld text.';
    expect(summaryBody(stored)).toBe('Old text.');
    expect(newestPart(`${stored} ${'word '.repeat(50)}`, 100)).toMatch(
      /^Summary of the conversation from 2026-12-01 20:00 to 2026-12-01 23:00 UTC:\n…/,
    );
    const next = withCoverage(
      stored,
      [message({ role: 'user', content: 'Late film', createdAt: NIGHT_OF_THE_3RD })],
      'New text.',
    );
    expect(next).toBe(
      'Summary of the conversation from 2026-12-02 09:00 to 2026-12-03 01:00 UTC+13:00:\nNew text.',
    );
    expect(summaryBody(next)).toBe('New text.');
  });

  it('a summary across the end of daylight saving labels each end', () => {
    // New Zealand leaves daylight saving on 5 April 2026: UTC+13 before, UTC+12 after.
    const before = '2026-04-03T21:00:00.000Z';
    const after = '2026-04-06T22:00:00.000Z';
    const first = withCoverage(
      null,
      [
        message({ role: 'user', content: 'a', createdAt: before }),
        message({ role: 'user', content: 'b', createdAt: after }),
      ],
      'Text.',
    );
    expect(first).toBe(
      'Summary of the conversation from 2026-04-04 10:00 UTC+13:00 to 2026-04-07 10:00 UTC+12:00:\nText.',
    );
    expect(summaryBody(first)).toBe('Text.');
    const next = withCoverage(
      first,
      [message({ role: 'user', content: 'c', createdAt: after })],
      'More.',
    );
    expect(next.startsWith('Summary of the conversation from 2026-04-04 10:00 UTC+13:00 to')).toBe(
      true,
    );
    expect(parseLabelledMinute('2026-04-04 10:00', 'UTC+13:00')?.toISOString()).toBe(before);
  });

  it('the surfaced block heads memories with their local day, and a past fact with its local month', () => {
    expect(renderSurfacedBlock(block).split('\n')[1]).toBe(
      '2026-12-02, true until 2026-12 · conversation:',
    );
  });

  it('a "yesterday" consolidated on an Auckland morning is the day before the one the model was shown', async () => {
    const model = replyOnlyModel();
    const core = await testCore({ chatModel: model, clock: new FakeClock(MORNING_OF_THE_2ND) });
    const agent = await core.agents.create({ name: 'Diary' });
    await core.runtime.send(agent.id, 'I went to the dentist yesterday.');
    const step = model.calls.find((c) => c.purpose === 'step')!;
    const status = step.turns.at(-1)!.content;
    const shown = /^Current time: (\d{4}-\d{2}-\d{2}) /.exec(status)?.[1];
    expect(shown).toBe('2026-12-02');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const human = (await core.coreMemory.get(agent.id, 'human')).value;
    expect(human).toContain('(2026-12-01)');
  });

  it('renders a turn identically in later steps and after a restart in the same zone (KV cache)', async () => {
    let step = 0;
    const chatModel = createScriptedModel({
      script: () =>
        step++ === 0
          ? {
              thinking: 'Look it up.',
              tool: 'conversation_search',
              arguments: { query: 'Mira', start_date: '2026-12-02', request_heartbeat: true },
            }
          : { thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Breakfast.' } },
    });
    const clock = new FakeClock('2026-12-02T20:00:00.000Z');
    const core = await testCore({ chatModel, clock });
    const agent = await core.agents.getOrCreateDefault();
    await appendAcrossAucklandDays(core, agent.id);
    await core.runtime.send(agent.id, 'What did I do with Mira yesterday?');
    const steps = chatModel.calls.filter((c) => c.purpose === 'step');
    expect(steps.length).toBe(2);
    const [first, last] = [steps[0]!.turns, steps[1]!.turns];
    // The search result and the surfaced block are in local time...
    expect(last.map((t) => t.content).join('\n')).toContain('[2026-12-02 09:00] user: Breakfast');
    // ...and every turn but the status line is the same in the next step.
    expect(last.slice(0, first.length - 1)).toEqual(first.slice(0, -1));

    const later = createScriptedModel({
      script: () => ({ thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Ok.' } }),
    });
    const again = await restartCore(core, {
      chatModel: later,
      clock: new FakeClock('2026-12-02T21:00:00.000Z'),
    });
    await again.runtime.send(agent.id, 'Thanks.');
    const next = later.calls.find((c) => c.purpose === 'step')!.turns;
    // After a restart, all that was rendered before renders the same.
    const done = last.length - 1;
    expect(next.slice(0, done).map((t) => t.content)).toEqual(
      last.slice(0, done).map((t) => t.content),
    );
  });

  it('the activity log dates the end of a replaced fact by its local day', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Diary' });
    const old = await core.archival.insert(agent.id, { text: 'Mira lives in Napier' });
    const current = await core.archival.insert(agent.id, { text: 'Mira lives in Nelson' });
    await core.archival.supersede(old.id, current.id, END_OF_NOVEMBER, { actor: 'user' });
    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry?.summary).toBe('Now a past fact (until 2026-12-01): "Mira lives in Napier"');
  });

  it('the Markdown export groups the conversation by local days', async () => {
    const { core, agent } = await searchable();
    const md = (
      await call(core.handlers, 'agentfile.exportMarkdown', {
        agentId: agent.id,
        conversations: true,
      })
    ).text;
    expect(md).toContain('#### 2026-12-02\n\n**You:** Breakfast with Mira');
    expect(md).toContain('#### 2026-12-03\n\n**You:** Late film with Mira');
    expect(md).toContain('- 2026-12-02: Mira took the early ferry');
  });
});

describe('what the model reads about time, in UTC (the benchmarks)', () => {
  inTimeZone('UTC');

  it('renders a prompt byte for byte as before local times', async () => {
    const text = await prompt(await searchable(), '2026-12-07T20:13:00.000Z');
    const status = text.slice(text.lastIndexOf('\n---\n') + 5);
    expect(status).toBe(
      'Current time: 2026-12-07 20:13 UTC. 0 earlier messages are in recall memory (conversation_search); 1 passages are in archival memory (archival_memory_search).',
    );
    expect(text).toContain(
      '### Summary of earlier conversation (full text is in recall memory)\n\nSummary of the conversation from 2026-12-01 20:00 to 2026-12-02 12:00 UTC:\nThe user said hi.',
    );
    expect(text).toContain(
      '[memories] Possibly relevant, found in your memory for this message (check before relying on it):\n2026-12-01, true until 2026-11 · conversation:\n- user: Breakfast with Mira\n\nWhat did I do yesterday?',
    );
    // UTC days: the 2nd holds the film (12:00 UTC), not the breakfast.
    expect(text).toContain(
      '[conversation_search result] Results (page 0):\n[2026-12-02 12:00] user: Late film with Mira\n---\n',
    );
  });
});
