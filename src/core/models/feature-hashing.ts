/**
 * Signed feature hashing: each feature adds +1 or -1 at a position, both
 * picked by FNV-1a hashes of the feature, so texts that share features are
 * near and others near orthogonal. Not normalised. The fake embedder hashes
 * words this way; the built-in model, the characters of text it cannot read.
 */
export function featureHashVector(features: Iterable<string>, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const feature of features) {
    const at = fnv1a(feature, 0) % dimensions;
    vector[at] = (vector[at] as number) + (fnv1a(feature, 1) & 1 ? 1 : -1);
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
