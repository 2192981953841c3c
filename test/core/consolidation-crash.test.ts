import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { spawnTsx, waitForExit } from '../helpers/spawn-tsx';
import { onCleanup, tempDir } from '../helpers/test-core';

const TURNS = 24;
/** Delays after a batch's model call ends: the kill lands in its write, or just after. */
const KILL_AFTER_MS = (process.env.LOCUS_CONSOLIDATION_KILLS ?? '0,5,20,60,120,200')
  .split(',')
  .map(Number);

/** Kills the child with SIGKILL `delayMs` after the model call of its second batch returns. */
async function killMidPass(dataDir: string, agentId: string, run: string, delayMs: number) {
  const child = spawnTsx('test/helpers/consolidate-in-child.ts', [dataDir, agentId, run]);
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('EXTRACTED').length - 1 >= 2) resolve();
    });
    child.on('exit', () =>
      out.includes('DONE') ? resolve() : reject(new Error(`child exited early: ${err}`)),
    );
  });
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await waitForExit(child);
  return { finished: out.includes('DONE') };
}

describe('consolidation across a crash', () => {
  it('resumes after SIGKILL mid-pass without applying any fact twice', async () => {
    const dataDir = tempDir();
    const first = await createCore({
      dataDir,
      chatModel: replyOnlyModel(),
      consolidationDelayMs: 3_600_000,
    });
    const agent = await first.agents.getOrCreateDefault();
    for (let i = 0; i < TURNS; i++) await first.runtime.send(agent.id, `I like hobby${i}.`);
    await first.dispose();

    let killed = 0;
    for (const [trial, delayMs] of KILL_AFTER_MS.entries()) {
      const { finished } = await killMidPass(dataDir, agent.id, `run${trial}`, delayMs);
      if (!finished) killed++;
    }
    expect(killed).toBeGreaterThan(0);

    const core = await createCore({
      dataDir,
      chatModel: replyOnlyModel(),
      consolidationDelayMs: 3_600_000,
    });
    onCleanup(() => core.dispose());
    const rest = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(rest.stopped).toBe('done');

    // Every fact exactly once, whichever run applied it.
    const lines = (await core.coreMemory.get(agent.id, 'human')).value.split('\n');
    const facts = lines.map((line) => line.replace(/ \[run\d+\]$/, ''));
    expect(facts.sort()).toEqual(Array.from({ length: TURNS }, (_, i) => `Likes hobby${i}`).sort());
    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      pending: 0,
    });
    // One activity entry per applied batch, together covering each message once.
    const passes = (await core.handlers['activity.list']({ agentId: agent.id, limit: 200 })).filter(
      (e) => e.action === 'consolidate',
    );
    const covered = passes.map((p) => Number(/Consolidated (\d+) message/.exec(p.summary)?.[1]));
    expect(covered.reduce((a, b) => a + b, 0)).toBe(TURNS * 2);
  }, 900_000);
});
