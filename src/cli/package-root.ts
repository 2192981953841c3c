import fs from 'node:fs';
import path from 'node:path';

/**
 * Locus's own folder (where package.json is). The CLI runs from src/cli
 * through tsx or from its bundle's chunks in dist/cli, at different depths,
 * so the folder is found by walking up rather than by a fixed `../..`.
 */
export function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
}
