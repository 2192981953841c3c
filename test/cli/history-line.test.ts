import { describe, expect, it } from 'vitest';
import { historyText } from '../../src/cli/history-line';
import { inTimeZone } from '../helpers/time-zone';

const toolStep = (content: string) => ({
  role: 'assistant' as const,
  content,
  snippet: content,
  toolCalls: [
    {
      id: 'call-1',
      name: 'core_memory_append',
      arguments: JSON.stringify({ label: 'human', content: 'Name: Ada', request_heartbeat: true }),
    },
  ],
});

describe('locus memory history lines', () => {
  it('says what a tool step with no text did instead of printing an empty "assistant:"', () => {
    expect(historyText(toolStep(''))).toBe(
      'assistant: (called core_memory_append label: "human", content: "Name: Ada")',
    );
    expect(historyText(toolStep('  \n'))).toMatch(/^assistant: \(called core_memory_append /);
  });

  it('prints what was said, and a tool step that has text, as before', () => {
    expect(historyText({ role: 'user', content: 'hi', toolCalls: null, snippet: 'hi' })).toBe(
      'user: hi',
    );
    expect(historyText(toolStep('Her name goes in core memory.'))).toBe(
      'assistant: Her name goes in core memory.',
    );
  });

  describe('in Auckland', () => {
    inTimeZone('Pacific/Auckland');

    it('marks a message whose facts were all replaced with the local day they stopped being true', () => {
      const said = { role: 'user' as const, content: 'I live in Paris.', toolCalls: null };
      expect(
        historyText({ ...said, snippet: said.content, until: '2026-03-19T12:00:00.000Z' }),
      ).toBe('user: I live in Paris.  (until 2026-03-20)');
      expect(historyText({ ...said, snippet: said.content, until: null })).toBe(
        'user: I live in Paris.',
      );
    });
  });
});
