import type { Core } from '../../src/core/create-core';
import type { FakeClock } from '../../src/core/clock';
import { replyOnlyModel } from './consolidation-models';
import { testCore } from './test-core';

/**
 * An agent named Mover told "I live in Paris." on 2 March 2026 and "I moved
 * to Lyon." on 20 March, each consolidated: Paris is a past fact until the
 * 20th, and the message that told it is past with it.
 */
export async function movedToLyon() {
  const core = await testCore({ chatModel: replyOnlyModel() });
  const agent = await core.agents.create({ name: 'Mover', memory: { consolidation: 'paused' } });
  await tellMove(core, agent.id);
  await core.indexer.drain();
  return { core, agent };
}

/**
 * Tells an agent (on a reply-only model, consolidation paused) "I live in
 * Paris." on 2 March 2026 and "I moved to Lyon." at `movedAt`, each
 * consolidated.
 */
export async function tellMove(
  core: Core & { clock: FakeClock },
  agentId: string,
  movedAt = '2026-03-20T09:00:00.000Z',
): Promise<void> {
  core.clock.set('2026-03-02T09:00:00.000Z');
  await core.runtime.send(agentId, 'I live in Paris.');
  await core.handlers['consolidation.run']({ agentId });
  core.clock.set(movedAt);
  await core.runtime.send(agentId, 'I moved to Lyon.');
  await core.handlers['consolidation.run']({ agentId });
}

/**
 * Tells an agent (as tellMove) "I live in Paris." and then "I am moving to
 * Lyon next month." on 7 December 2026, each consolidated: "Lives in Lyon
 * (from 2027-01)" is upcoming beside Paris.
 */
export async function tellUpcomingMove(
  core: Core & { clock: FakeClock },
  agentId: string,
): Promise<void> {
  core.clock.set('2026-12-07T09:00:00.000Z');
  await core.runtime.send(agentId, 'I live in Paris.');
  await core.handlers['consolidation.run']({ agentId });
  await core.runtime.send(agentId, 'I am moving to Lyon next month.');
  await core.handlers['consolidation.run']({ agentId });
}
