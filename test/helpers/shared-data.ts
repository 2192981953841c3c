import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './spawn-tsx';

/**
 * The shared data sets (../shared/data beside the checkout, or above a
 * worktree), or $LOCUS_SHARED_DATA. Null when absent (a clean CI clone):
 * tests that need them skip.
 */
export function sharedDataDir(): string | null {
  const fromEnv = process.env.LOCUS_SHARED_DATA;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'data');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}
