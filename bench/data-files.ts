import fs from 'node:fs';
import path from 'node:path';

/**
 * The benchmark data sets are never in the repo: they sit in a `shared/data`
 * folder beside the checkout (../shared/data for /work/main, further up for a
 * worktree). Returns the first ancestor's copy, or the nearest candidate
 * path when none exists, so the caller's message names where it looked.
 */
export function findDataFile(name: string): string {
  const repoRoot = path.resolve(import.meta.dirname, '..');
  const candidates: string[] = [];
  for (let dir = path.dirname(repoRoot); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'shared', 'data', name));
    if (path.dirname(dir) === dir) break;
  }
  return candidates.find((file) => fs.existsSync(file)) ?? (candidates[0] as string);
}
