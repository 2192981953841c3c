import { describe, expect, it } from 'vitest';
import { scriptedConsolidation } from '../../src/core/models/scripted-consolidation';

function consolidate(...messages: string[]) {
  const task = [
    'Known about the user:',
    'L1: Lives in York',
    '',
    ...messages.map((text, i) => `M${i + 1} [2026-12-01] user: ${text}`),
  ].join('\n');
  return scriptedConsolidation({
    turns: [{ role: 'user', content: task }],
    responseSchema: {},
    purpose: 'consolidate',
  }).facts as { text: string; corrects: string | null }[];
}

describe('scripted consolidation', () => {
  it('reads a statement as a fact that corrects the known line', () => {
    expect(consolidate('I live in Leeds.')).toEqual([
      expect.objectContaining({ text: 'Lives in Leeds', corrects: 'L1' }),
    ]);
  });

  it('does not read a question as a statement', () => {
    expect(consolidate('Did I live in Leeds?', 'Do I like tea?', 'did I work at Acme')).toEqual([]);
  });

  it('keeps the statement next to a question in the same message', () => {
    expect(consolidate('Where was I? I live in Leeds now.')).toEqual([
      expect.objectContaining({ text: 'Lives in Leeds now' }),
    ]);
  });
});
