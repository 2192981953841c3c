import { describe, expect, it } from 'vitest';
import { ReplyStreamer } from '../../src/core/agent/reply-streamer';

/** Each emitted chunk as a terminal or a UTF-8 stream would carry it alone. */
function streamed(chunks: string[]): { emitted: string[]; text: string } {
  const emitted: string[] = [];
  const streamer = new ReplyStreamer((text) => emitted.push(text));
  for (const chunk of chunks) streamer.push(chunk);
  const text = emitted.map((c) => Buffer.from(c, 'utf8').toString('utf8')).join('');
  return { emitted, text };
}

const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('reply streaming', () => {
  it('never emits half of an emoji when a chunk ends inside it', () => {
    const json = '{"tool":"send_message","args":{"message":"ok 🏃 go"}}';
    const at = json.indexOf('🏃') + 1; // between the two halves of the pair
    const { emitted, text } = streamed([json.slice(0, at), json.slice(at)]);
    expect(emitted.some(hasLoneSurrogate)).toBe(false);
    expect(text).toBe('ok 🏃 go');
  });

  it('never emits half of an emoji the model wrote as two \\u escapes', () => {
    const json = '{"tool":"send_message","args":{"message":"ok \\ud83c\\udfc3 go"}}';
    const at = json.indexOf('\\udfc3');
    const { emitted, text } = streamed([
      json.slice(0, at),
      json.slice(at, at + 3),
      json.slice(at + 3),
    ]);
    expect(emitted.some(hasLoneSurrogate)).toBe(false);
    expect(text).toBe('ok 🏃 go');
  });

  it('still streams a reply token by token', () => {
    const json = '{"tool":"send_message","args":{"message":"Café 抹茶 ✓"}}';
    const { emitted, text } = streamed([...json]);
    expect(text).toBe('Café 抹茶 ✓');
    expect(emitted.length).toBeGreaterThan(3);
  });
});
