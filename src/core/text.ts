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
