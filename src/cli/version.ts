import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

/** The version in package.json, read once at call time (the CLI runs from the source tree or its bundle). */
export function locusVersion(): string {
  const file = path.join(packageRoot(), 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
