import fs from 'node:fs';
import path from 'node:path';

/** The version in package.json, read once at call time (the CLI runs from the source tree). */
export function locusVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
