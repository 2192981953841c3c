import { describe, expect, it } from 'vitest';
import { createUseEmbedder } from '../../bench/use-embedder';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { parseSurfacedBlock } from '../../src/shared/surfaced-memories';
import { testCore } from '../helpers/test-core';

const replier = () =>
  createScriptedModel({
    script: () => ({ thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Noted.' } }),
  });

/** A new user's first hour: a few facts, each acknowledged, told before the context window. */
const TOLD = [
  { role: 'user', content: 'My sister is called Lena.' },
  // Two facts in a row: the one before a match is its closest neighbour.
  { role: 'user', content: 'I live in Leipzig, near the zoo.' },
  { role: 'assistant', content: 'Got it!' },
  { role: 'user', content: 'I work as a nurse at the city hospital.' },
  { role: 'assistant', content: 'Noted.' },
  { role: 'user', content: 'My dog Bruno is a beagle.' },
  { role: 'assistant', content: 'Thanks for telling me.' },
  { role: 'user', content: 'I am allergic to peanuts.' },
  { role: 'assistant', content: 'Sure!' },
  { role: 'user', content: 'I play the cello on Thursdays.' },
  { role: 'assistant', content: 'Understood.' },
] as const;

const ASKED = [
  { question: 'Where do I live?', answer: 'I live in Leipzig, near the zoo.' },
  { question: 'What is my sister called?', answer: 'My sister is called Lena.' },
  { question: 'What am I allergic to?', answer: 'I am allergic to peanuts.' },
  { question: 'When do I play the cello?', answer: 'I play the cello on Thursdays.' },
  { question: 'What breed is my dog Bruno?', answer: 'My dog Bruno is a beagle.' },
];

async function newUser(options: Parameters<typeof testCore>[0] = {}) {
  const core = await testCore({ chatModel: replier(), ...options });
  const agent = await core.agents.getOrCreateDefault();
  await core.recall.appendMany(
    agent.id,
    TOLD.map((m) => ({ ...m })),
  );
  await core.indexer.drain();
  return { core, agent };
}

/** What each question was given, asked in a fresh conversation so earlier turns are not in context. */
async function givenFor(options: Parameters<typeof testCore>[0] = {}) {
  const given: Record<string, string[]> = {};
  for (const { question } of ASKED) {
    const { core, agent } = await newUser(options);
    await core.runtime.send(agent.id, question);
    const stored = (await core.runtime.contextMessages(agent.id)).filter(
      (m) => m.kind === 'memories',
    );
    const block = stored.length > 0 ? parseSurfacedBlock(stored.at(-1)?.content ?? '') : null;
    given[question] = (block?.items ?? []).map((i) => i.text);
  }
  return given;
}

describe("surfacing in a new user's memory of a few facts", () => {
  it('gives each question its fact, not the acknowledgement after it nor the fact told before it (fallback embedder)', async () => {
    const given = await givenFor();
    for (const { question, answer } of ASKED) expect(given[question]).toEqual([answer]);
  });

  it.each([
    ['fallback embedder', () => Promise.resolve(undefined)],
    ['built-in sentence model', createUseEmbedder],
  ])('never gives an acknowledgement between two facts that both match (%s)', async (_, load) => {
    const embedder = await load();
    const { core, agent } = await newUser(embedder ? { embedder } : {});
    await core.runtime.send(agent.id, 'Where do I live and where do I work?');
    const stored = (await core.runtime.contextMessages(agent.id)).filter(
      (m) => m.kind === 'memories',
    );
    const texts = (parseSurfacedBlock(stored.at(-1)?.content ?? '')?.items ?? []).map(
      (i) => i.text,
    );
    expect(texts.sort()).toEqual([
      'I live in Leipzig, near the zoo.',
      'I work as a nurse at the city hospital.',
    ]);
  });

  it('does the same with the built-in sentence model', async () => {
    const given = await givenFor({ embedder: await createUseEmbedder() });
    for (const { question, answer } of ASKED) expect(given[question]).toEqual([answer]);
  }, 300_000);
});
