/** ES2024's String methods (Node 20+), which the compiler's library predates. */
type WellFormed = { toWellFormed(): string };

/**
 * Text as Postgres can store it: without NUL characters (text cannot hold
 * them; they carry no meaning in memory text), and with half an emoji (a
 * lone surrogate: a string cut inside a pair, or a model's first \u escape
 * of two) as U+FFFD. Text columns took it so already; JSON ones refused
 * the whole change, as INTERNAL.
 */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
    // U+FFFD for each lone surrogate, in one native pass.
    return (text as unknown as WellFormed).toWellFormed();
  }
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [storable(k) as string, storable(v)]),
    );
  }
  return value;
}

/**
 * A name as people will read it: no control characters, and no
 * bidirectional overrides or invisible format characters, which can make a
 * name display as something else (U+202E turns "abc" into "cba").
 */
export function displayName(raw: string): string {
  return (
    raw
      // The zero-width joiner stays: emoji sequences (family, flags) need it.
      .replace(/(?!\u200d)\p{Cf}/gu, '')
      .replace(/[\p{Cc}\u2028\u2029\s]+/gu, ' ')
      .trim()
  );
}
