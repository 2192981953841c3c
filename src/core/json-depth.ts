/**
 * How deeply a parsed JSON value nests, counted without recursion, stopping
 * as soon as `limit` is passed. Recursive walkers (sanitising, validation,
 * serialising) overflow the stack on JSON nested thousands deep, which
 * surfaced as INTERNAL errors (issue 22, items 6 and 11).
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Deeper than any Locus call or agent file needs (Letta's files nest about 10 deep). */
export const MAX_JSON_DEPTH = 100;
