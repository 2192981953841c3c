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
  const vector = new Float32Array(dimensions);
  const add = (feature: string) => {
    const h = fnv1a(feature, 0);
    const at = h % dimensions;
    vector[at] = (vector[at] as number) + (fnv1a(feature, 1) & 1 ? 1 : -1);
  };
  for (const run of text.normalize('NFKC').toLowerCase().split(/\s+/u)) {
    const chars = [...run];
    chars.forEach((char, i) => {
      add(char);
      if (i > 0) add(`${chars[i - 1] as string}${char}`);
    });
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) * scale;
  }
  return vector;
}

function fnv1a(text: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
