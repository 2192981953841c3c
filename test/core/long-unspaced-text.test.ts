import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';

/** `length` CJK characters drawn (seeded) from 3,072 of them; 熊 and 猫 are not among them. */
function chineseText(length: number, seed: number): string {
  let state = seed;
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    chars.push(String.fromCharCode(0x4e00 + ((state >>> 0) % 3072)));
  }
  return chars.join('');
}

describe('long text in a script written without spaces', () => {
  it('indexes a note of 100,000 Chinese characters to its end, as a passage and a message', async () => {
    // Each character and pair of a run was cut out from the run's start:
    // quadratic, so a note this long took over an hour to store.
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Long' });
    await core.archival.insert(id, { text: 'a short note' });
    const text = `${chineseText(99_990, 7)}我们看到了熊猫`;
    expect(text.length).toBe(99_997);
    const passage = await core.archival.insert(id, { text });
    const message = await core.recall.append(id, { role: 'user', content: text });
    const archival = await core.archival.search(id, { query: '熊猫', mode: 'text' });
    expect(archival.items.map((p) => p.id)).toEqual([passage.id]);
    const recall = await core.recall.search(id, { query: '熊猫', mode: 'text' });
    expect(recall.items[0]?.id).toBe(message.id);
  });

  it('indexes a longer text of 150,000 different pairs of characters to its end', async () => {
    // Past 100,000 characters a text is indexed slice by slice up to
    // Postgres's limit on a vector's words (1 MB); the check counted 4 bytes
    // more a word than the limit does and stopped at about 90,000 pairs.
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Longer' });
    await core.archival.insert(id, { text: 'a short note' });
    const text = `${chineseText(150_000, 11)}我们看到了熊猫`;
    const pairs = new Set(Array.from({ length: text.length - 1 }, (_, i) => text.slice(i, i + 2)));
    expect(pairs.size).toBeGreaterThan(145_000);
    const passage = await core.archival.insert(id, { text });
    const found = await core.archival.search(id, { query: '熊猫', mode: 'text' });
    expect(found.items.map((p) => p.id)).toEqual([passage.id]);
  });
});
