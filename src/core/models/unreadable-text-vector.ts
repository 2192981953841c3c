import { normalize } from './embedder';
import { featureHashVector } from './feature-hashing';

/**
 * A vector for text the sentence model cannot read: its vocabulary has no
 * piece for CJK, Thai or emoji, so such a text is one unknown piece to it,
 * and every one of them would get the same vector (equal for any two
 * Chinese sentences, and closer to many English queries than real matches).
 * Instead its characters and character pairs are hashed into the vector
 * (signed feature hashing): texts sharing characters are near, others are
 * near orthogonal to it and to the model's own vectors, so the relevance
 * floor keeps them out.
 */
export function unreadableTextVector(text: string, dimensions: number): Float32Array {
  const features: string[] = [];
  for (const run of text.normalize('NFKC').toLowerCase().split(/\s+/u)) {
    const chars = [...run];
    chars.forEach((char, i) => {
      features.push(char);
      if (i > 0) features.push(`${chars[i - 1] as string}${char}`);
    });
  }
  return normalize(featureHashVector(features, dimensions));
}
