import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { timeWindowOf } from '../../src/core/memory/surfacing/time-window';
import { parseSurfacedBlock } from '../../src/shared/surfaced-memories';
import { testCore } from '../helpers/test-core';

const replier = () =>
  createScriptedModel({
    script: () => ({ thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Noted.' } }),
  });

// Local noon on Wednesday 4 March 2026: dates are the user's calendar.
const now = new Date(2026, 2, 4, 12);
const localDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('the time a message names', () => {
  it.each([
    ['What did I cook yesterday?', '2026-03-03', '2026-03-04', 'yesterday'],
    ['Where was I 10 days ago?', '2026-02-22', '2026-02-23', '10 days ago'],
    ['what did I buy two weeks ago', '2026-02-18', '2026-02-19', 'two weeks ago'],
    ['Who called last Saturday?', '2026-02-28', '2026-03-01', 'last saturday'],
    ['What did we do last week?', '2026-02-23', '2026-03-02', 'last week'],
    ['Which film did we see a month ago?', '2026-02-01', '2026-03-01', 'a month ago'],
    ['What did I plant in March?', '2026-03-01', '2026-04-01', 'in march'],
    ['Who came on May 3rd?', '2026-05-03', '2026-05-04', 'may 3rd'],
    ['What happened in 2025?', '2025-01-01', '2026-01-01', '2025'],
  ])('%s', (text, start, end, words) => {
    const window = timeWindowOf(text, now);
    expect(window && localDay(window.start)).toBe(start);
    expect(window && localDay(window.end)).toBe(end);
    expect(window?.words).toBe(words);
  });

  it('is none for a message that names no time', () => {
    expect(timeWindowOf('What is my sister called?', now)).toBeNull();
    expect(timeWindowOf('I may come along', now)).toBeNull();
    expect(timeWindowOf('Do you think this may help?', now)).toBeNull();
  });
});

describe('surfacing with the time a message names', () => {
  /**
   * Two notes about Marta that share only her name with the question (it
   * asks what she cooked), scoring under the floor alike: one from the day
   * before the question, one from three weeks earlier.
   */
  async function martaNotes(boiler = BOILER) {
    const core = await testCore({ chatModel: replier() });
    const agent = await core.agents.getOrCreateDefault();
    const at = (month: number, day: number) => new Date(2026, month - 1, day, 19).toISOString();
    const other = [
      'The car needs new tyres before winter.',
      'I started reading a novel about sailors.',
      'The garden hose is leaking again.',
      'My sister moved to Lisbon last year.',
      'The printer at work keeps jamming.',
      'I signed up for a pottery class.',
      'Our neighbour adopted a grey cat.',
      'The train was late three times.',
    ];
    await core.recall.appendMany(agent.id, [
      ...other.map((content, i) => ({ role: 'user' as const, content, createdAt: at(1, i + 2) })),
      { role: 'user', content: boiler, createdAt: at(2, 12) },
      { role: 'user', content: RISOTTO, createdAt: at(3, 3) },
    ]);
    return { core, agent };
  }
  const RISOTTO = 'Marta made a mushroom risotto at her flat.';
  const BOILER = 'Marta phoned about the broken boiler at her flat.';

  async function surfacedAt(when: Date, text: string, boiler = BOILER): Promise<string[]> {
    const { core, agent } = await martaNotes(boiler);
    core.clock.set(when);
    await core.runtime.send(agent.id, text);
    const context = await core.handlers['chat.context']({ agentId: agent.id });
    const stored = context.messages.filter((m) => m.kind === 'memories').at(-1);
    return (stored ? (parseSurfacedBlock(stored.content)?.items ?? []) : []).map((i) => i.text);
  }

  it('surfaces a memory from the day the message names, and not one from another day', async () => {
    const items = await surfacedAt(now, 'What did Marta cook yesterday?');
    expect(items).toContain(RISOTTO);
    expect(items).not.toContain(BOILER);
  });

  it('gives the same question asked on another day neither note', async () => {
    // A week later "yesterday" is 10 March: neither note is from then.
    const items = await surfacedAt(new Date(2026, 2, 11, 12), 'What did Marta cook yesterday?');
    expect(items).toEqual([]);
  });

  it('places a memory from "last week" before a closer match from another week', async () => {
    // This note holds more of the question's words than the risotto.
    const boiler = 'Marta phoned: her boiler broke, so she cannot cook at her flat.';
    const question = 'What did Marta cook at her flat last week?';
    // On Monday 9 March, last week is 2-8 March, which holds the risotto.
    expect((await surfacedAt(new Date(2026, 2, 9, 12), question, boiler))[0]).toBe(RISOTTO);
    // On 24 March it is 16-22 March, which holds neither: the closer match leads.
    expect((await surfacedAt(new Date(2026, 2, 24, 12), question, boiler))[0]).toBe(boiler);
  });
});
