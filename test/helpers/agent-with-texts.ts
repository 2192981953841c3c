import { testCore } from './test-core';

/**
 * A new agent holding each text twice: as an archival passage and as a
 * message the person sent, so a search test can ask both tiers the same
 * question.
 */
export async function agentWithTexts(name: string, texts: string[]) {
  const core = await testCore();
  const { id } = await core.agents.create({ name });
  await core.archival.insertMany(
    id,
    texts.map((text) => ({ text })),
  );
  for (const text of texts) await core.recall.append(id, { role: 'user', content: text });
  return { core, id };
}
