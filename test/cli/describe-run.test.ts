import { describe, expect, it } from 'vitest';
import { describeRun } from '../../src/cli/commands/memory-activity';

const run = { stopped: 'done' as const, added: 0, replaced: 0, saved: 0, superseded: 0, moved: 0 };

describe('locus memory consolidate: the summary line', () => {
  it('counts one message and one moved line in the singular', () => {
    expect(describeRun({ ...run, messages: 1, moved: 1 })).toBe(
      'Consolidated 1 message: 1 line moved to archival memory.',
    );
    expect(describeRun({ ...run, messages: 3, added: 2, moved: 2 })).toBe(
      'Consolidated 3 messages: 2 added to human, 2 lines moved to archival memory.',
    );
  });
});
