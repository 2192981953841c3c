import { describe, expect, it } from 'vitest';
import { listQuoted, renameQuoted, replaceQuoted } from '../../src/shared/search-quotes';

const items = [
  { id: 'm1', line: '[2026-01-01 09:00] user: My bank PIN is 4242.' },
  { id: 'm2', line: '[2026-01-01 09:01] user: I keep bees\non the roof.' },
  { id: 'm3', line: '[2026-01-01 09:02] assistant: Noted.' },
];

describe('search result quotes', () => {
  it('lists items exactly as joined lines always were, and where each one is', () => {
    const { message, quotes } = listQuoted(
      'Results (page 0):',
      items,
      ' More results: use page 1.',
    );
    expect(message).toBe(
      `Results (page 0):\n${items.map((i) => i.line).join('\n')} More results: use page 1.`,
    );
    for (const item of items) expect(message.slice(...quotes[item.id]!)).toBe(item.line);
  });

  it('replaces only the items named, a multi-line one whole, and keeps the others findable', () => {
    const listed = listQuoted('Results (page 0):', items, ' More results: use page 1.');
    const out = replaceQuoted(listed.message, listed.quotes, new Set(['m2', 'm3']), '[gone]');
    expect(out?.message).toBe(
      `Results (page 0):\n${items[0]!.line}\n[gone]\n[gone] More results: use page 1.`,
    );
    expect(out?.replaced).toBe(2);
    expect(Object.keys(out!.quotes)).toEqual(['m1']);
    // Again, for the one left: its span still points at it.
    const again = replaceQuoted(out!.message, out!.quotes, new Set(['m1']), '[gone]');
    expect(again?.message).toBe(
      'Results (page 0):\n[gone]\n[gone]\n[gone] More results: use page 1.',
    );
  });

  it('leaves a result alone when it quotes none of the ids, or its spans do not fit it', () => {
    const listed = listQuoted('Results (page 0):', items, '');
    expect(replaceQuoted(listed.message, listed.quotes, new Set(['other']), '[gone]')).toBeNull();
    expect(replaceQuoted('short', listed.quotes, new Set(['m1']), '[gone]')).toBeNull();
    expect(
      replaceQuoted(listed.message, { a: [5, 20], b: [10, 30] }, new Set(['a']), 'x'),
    ).toBeNull();
  });

  it('renames quoted ids, dropping those it does not know, with no prototype to trip on', () => {
    const renamed = renameQuoted({ m1: [1, 2], m2: [3, 4] }, (id) =>
      id === 'm1' ? '__proto__' : undefined,
    );
    expect(Object.entries(renamed!)).toEqual([['__proto__', [1, 2]]]);
    expect(renameQuoted({ m1: [1, 2] }, () => undefined)).toBeNull();
  });
});
