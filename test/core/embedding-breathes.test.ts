import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/core/host/dispatch';
import type { Core } from '../../src/core/create-core';
import { testCore } from '../helpers/test-core';

/** Imports `n` messages; they wait for the background indexer to embed them. */
async function importMessages(core: Core, n: number): Promise<void> {
  const messages = Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    content: `message ${i} about the garden and the keys`,
  }));
  const text = JSON.stringify({
    agents: [{ id: 'a', name: 'Many', block_ids: [], tool_ids: [], messages }],
    blocks: [],
    tools: [],
  });
  const result = await dispatch(core.handlers, 'agentfile.import', { text });
  expect(result).toMatchObject({ ok: true, value: { messages: n } });
}

/** Records timer turns ('tick') in `order` until stopped. */
function ticking(order: string[]): () => void {
  let running = true;
  const tick = () => {
    if (!running) return;
    order.push('tick');
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    running = false;
  };
}

describe('background embedding lets the process breathe (issue 22, item 5)', () => {
  it('turns the event loop between batches', async () => {
    const core = await testCore();
    const order: string[] = [];
    core.events.on('progress', (p) => {
      if (p.task === 'index-messages' && p.done > 0) order.push('batch');
    });
    await importMessages(core, 1500);
    const stop = ticking(order);
    await core.indexer.idle();
    stop();
    expect(await core.upkeep.countPending('messages')).toBe(0);
    // Timers, other clients and signal handlers get a turn between every two
    // batches (before: none until the whole backlog was embedded).
    const batches = order.flatMap((e, i) => (e === 'batch' ? [i] : []));
    expect(batches.length).toBeGreaterThan(10);
    let starved = 0;
    for (let b = 1; b < batches.length; b++) {
      const between = order.slice(batches[b - 1], batches[b]);
      if (!between.includes('tick')) starved++;
    }
    expect(starved).toBe(0);
  });

  it('stops background and manual embedding on interrupt, keeping what was embedded', async () => {
    const core = await testCore();
    let interrupted = false;
    core.events.on('progress', (p) => {
      if (p.task === 'index-messages' && p.done >= 64 && !interrupted) {
        interrupted = true;
        core.interrupt();
      }
    });
    await importMessages(core, 1500);
    await core.indexer.idle();
    expect(interrupted).toBe(true);
    const left = await core.upkeep.countPending('messages');
    // Stopped between batches: the embedded ones stay, the rest waits.
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(1500);

    const manual = await dispatch(core.handlers, 'archival.reembed', {});
    expect(manual).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(!manual.ok && manual.error.message).toMatch(/locus memory reembed/);
    expect(await core.upkeep.countPending('messages')).toBe(left);
  });
});
