import { describe, expect, it } from 'vitest';
import { describeRun } from '../../src/cli/commands/memory-activity';

const run = {
  stopped: 'done' as const,
  added: 0,
  replaced: 0,
  saved: 0,
  superseded: 0,
  moved: 0,
  tookEffect: [],
};

describe('locus memory consolidate: the summary line', () => {
  it('counts one message and one moved line in the singular', () => {
    expect(describeRun({ ...run, messages: 1, moved: 1 })).toBe(
      'Consolidated 1 message: 1 line moved to archival memory.',
    );
    expect(describeRun({ ...run, messages: 3, added: 2, moved: 2 })).toBe(
      'Consolidated 3 messages: 2 added to human, 2 lines moved to archival memory.',
    );
  });

  it('reports upcoming changes that took effect, with no new message and with no model', () => {
    const lyon = { line: 'Lives in Lyon', replaced: 'Lives in Paris' };
    expect(describeRun({ ...run, messages: 0, tookEffect: [lyon] })).toBe(
      '1 upcoming change took effect: "Lives in Lyon", in place of "Lives in Paris". No new messages to consolidate.',
    );
    expect(
      describeRun({
        ...run,
        stopped: 'no_model',
        messages: 0,
        tookEffect: [lyon, { line: 'Works at Acme', replaced: null }],
      }),
    ).toMatch(
      /^2 upcoming changes took effect: "Lives in Lyon", in place of "Lives in Paris"; "Works at Acme"\. No language model is loaded/,
    );
  });
});
