/** Postgres text cannot hold NUL characters; they carry no meaning in memory text. */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string')
    return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]),
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
