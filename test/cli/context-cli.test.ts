import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { runCli } from '../helpers/run-cli';
import { tempDataDir } from '../helpers/test-core';

describe('locus -p with a message longer than the window, and locus context reset', () => {
  it('answers a 100 KB prompt and the next one, and empties the context on request', async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake', '--model', 'scripted'];
    const long = Array.from({ length: 20_000 }, (_, i) => `w${i}`)
      .join(' ')
      .slice(0, 100_000);

    const first = await runCli(['-p', long, ...base]);
    expect(first.stderr).not.toContain('CONTEXT_OVERFLOW');
    expect(first.code).toBe(0);
    const hi = await runCli(['-p', 'hi', ...base]);
    expect(hi.code).toBe(0);
    expect(hi.stdout.trim()).toBe('You said: hi');

    const reset = await runCli(['context', 'reset', '--json', ...base]);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ removed: expect.any(Number) });
    // Every message, the long one whole, is still in recall memory.
    const core = await createCore({ dataDir });
    try {
      const agent = await core.agents.getOrCreateDefault();
      expect(await core.runtime.contextMessages(agent.id)).toEqual([]);
      const messages = await core.recall.recent(agent.id, 50);
      expect(messages.some((m) => m.content === long)).toBe(true);
      expect(messages.some((m) => m.content === 'hi')).toBe(true);
    } finally {
      await core.dispose();
    }
  });
});
