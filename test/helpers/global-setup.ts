import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/core/storage/open-database';

/**
 * initdb costs seconds; do it once per run, dump the migrated database, and let
 * every test start from a copy (see test-core.ts).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-template-'));
  const file = path.join(dir, 'template.tar');
  const database = await openDatabase();
  const dump = await database.pg.dumpDataDir('none');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('templatePath', file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    templatePath: string;
  }
}
