import { describe, expect, it } from 'vitest';
import {
  renderSurfacedBlock,
  withoutSurfacedBlock,
  type SurfacedMemory,
} from '../../src/shared/surfaced-memories';
import { estimateTokens } from '../../src/core/memory/surfacing/token-estimate';
import { inTimeZone } from '../helpers/time-zone';

const item = (over: Partial<SurfacedMemory> & { id: string; text: string }): SurfacedMemory => ({
  tier: 'recall',
  source: 'conversation',
  at: '2026-03-02T10:00:00.000Z',
  speaker: 'user',
  until: null,
  ...over,
});

describe('the surfaced block as the model reads it', () => {
  // The days below are UTC days; local-time-prompts.test.ts covers other zones.
  inTimeZone('UTC');
  const items = [
    item({ id: 'b', text: 'Lena starts violin on Tuesdays.', at: '2026-03-02T10:05:00.000Z' }),
    item({ id: 'c', text: 'I will remember that.', speaker: 'assistant' }),
    item({
      id: 'd',
      tier: 'archival',
      source: 'imported file',
      speaker: null,
      text: 'Boiler serviced by Hartmann Heating.',
      at: '2026-01-20T08:00:00.000Z',
    }),
    item({
      id: 'e',
      tier: 'archival',
      source: 'core memory',
      speaker: null,
      text: 'Lena plays the violin.',
      at: '2026-03-02T09:00:00.000Z',
      until: '2026-04-15T00:00:00.000Z',
    }),
  ];

  it('gives each date and source once, as a heading over its memories, oldest first', () => {
    const text = renderSurfacedBlock({ items, tokens: 0 });
    const lines = text.split('\n');
    expect(lines.slice(1)).toEqual([
      '2026-01-20 · imported file:',
      '- Boiler serviced by Hartmann Heating.',
      '2026-03-02 · conversation:',
      '- you: I will remember that.',
      '- user: Lena starts violin on Tuesdays.',
      '2026-03-02, true until 2026-04 · core memory:',
      '- Lena plays the violin.',
    ]);
    // The block never holds a blank line, so the user's words are found after it.
    expect(withoutSurfacedBlock(`${text}\n\nAnd the violin?`)).toBe('And the violin?');
  });

  it('renders a block identically whatever the order its items were stored in', () => {
    const reversed = renderSurfacedBlock({ items: [...items].reverse(), tokens: 0 });
    expect(reversed).toBe(renderSurfacedBlock({ items, tokens: 0 }));
  });

  it('costs less than a date and source on every line', () => {
    const day = Array.from({ length: 12 }, (_, i) =>
      item({ id: `m${i}`, text: `Message number ${i} about the garden.` }),
    );
    const grouped = estimateTokens(renderSurfacedBlock({ items: day, tokens: 0 }));
    const perLine = day.map((m) => `- [2026-03-02 · conversation] user: ${m.text}`).join('\n');
    expect(grouped).toBeLessThan(estimateTokens(perLine) * 0.8);
  });
});
