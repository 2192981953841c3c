/** The most one search call returns (the contract's limit). */
const MAX_PAGE = 200;

/**
 * The next page added below what is shown; an item that moved between pages
 * (one added meanwhile) is shown once.
 */
export function withNextPage<T extends { id: string }>(
  shown: readonly T[],
  page: readonly T[],
): T[] {
  return [...shown, ...page.filter((item) => !shown.some((s) => s.id === item.id))];
}

/**
 * How many to read when the pages shown are read again after a change: as
 * many as are shown (an edit far down the list keeps it where it is instead
 * of folding it back to one page), within one call.
 */
export function rereadLimit(shown: number, page: number): number {
  return Math.min(MAX_PAGE, Math.max(page, shown));
}
