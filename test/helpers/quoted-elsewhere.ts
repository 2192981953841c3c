import { expect } from 'vitest';
import type { Core } from '../../src/core/create-core';

/**
 * What the tests look for of the PIN: never its digits alone, which a
 * random id (a UUID's hex) holds now and then.
 */
export const PIN = 'PIN is 4242';

/**
 * The memories surfaced into a conversation, as `core` shows them: read
 * through its runtime, as every step does (its context cache included).
 */
export async function surfacedText(
  core: Core,
  agentId: string,
  conversationId: string,
): Promise<string> {
  return (await core.runtime.contextMessages(agentId, conversationId))
    .filter((m) => m.kind === 'memories')
    .map((m) => m.content)
    .join('\n');
}

/**
 * A PIN told in "Diary" and bees in "Open", both quoted into "Later" by a
 * turn `asker` ran (another instance on the same database, or `core`), so
 * its cache holds that block. One block for both: taking the PIN out
 * rewrites it in place (a block emptied goes from the context's ids).
 */
export async function quotedElsewhere(core: Core, agentId: string, asker: Core = core) {
  const conversation = (name: string) => core.handlers['conversations.create']({ agentId, name });
  const [diary, open, later] = [
    await conversation('Diary'),
    await conversation('Open'),
    await conversation('Later'),
  ];
  await core.runtime.send(agentId, 'My bank PIN is 4242, keep it safe.', {
    conversationId: diary.id,
  });
  await core.runtime.send(agentId, 'I keep bees on the roof.', { conversationId: open.id });
  await asker.runtime.send(agentId, 'Where do I keep bees? And what is my bank PIN?', {
    conversationId: later.id,
  });
  expect(await surfacedText(asker, agentId, later.id)).toContain(PIN);
  expect(await surfacedText(asker, agentId, later.id)).toContain('bees');
  return { diary, later };
}
