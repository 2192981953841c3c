import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

describe('the running summary', () => {
  // Its expected line is the one written before times were local (UTC, as the
  // benchmarks run); local-time-prompts.test.ts covers other zones.
  inTimeZone('UTC');
  it('says which stretch of the conversation it covers, and its text starts at a word', async () => {
    const model = createScriptedModel({ contextSize: 2048 });
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Diary' });
    let summaries = 0;
    for (let i = 0; summaries < 3 && i < 80; i++) {
      core.clock.advance(6 * 3_600_000);
      await core.runtime.send(agent.id, `Day note ${i}: the garden, the boat Petrel, violin ${i}`, {
        onEvent: (e) => {
          if (e.type === 'summarized') summaries++;
        },
      });
    }
    expect(summaries).toBe(3);
    const context = await core.runtime.contextMessages(agent.id);
    const summary = context[0]!;
    expect(summary.kind).toBe('summary');
    // From the first message ever said to the last one that left the context.
    const all = await core.recall.recent(agent.id, 1000);
    const first = all.find((m) => m.role === 'user')!;
    const firstKept = context[1]!;
    const lastGone = all.filter((m) => m.seq < firstKept.seq && m.kind !== 'summary').at(-1)!;
    const [header, body] = [
      summary.content.slice(0, summary.content.indexOf('\n')),
      summary.content.slice(summary.content.indexOf('\n') + 1),
    ];
    expect(header).toBe(
      `Summary of the conversation from ${minute(first.createdAt)} to ${minute(lastGone.createdAt)} UTC:`,
    );
    // Kept to its newest part, it starts at a word, marked as cut.
    expect(body).toMatch(/^(…|The user said)/);
    expect(body).not.toContain('Summary of the conversation');
  });
});
