/**
 * A deterministic stream of unsigned 32-bit integers (xorshift32), so a
 * failing trial or fuzz case can be repeated from its seed.
 */
export function seededIntegers(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}
