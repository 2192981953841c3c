import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, inject } from 'vitest';
import { FakeClock } from '../../src/core/clock';
import { createCore, type Core, type CreateCoreOptions } from '../../src/core/create-core';

let template: Blob | undefined;

/** The migrated template database made once per run by global-setup.ts. */
export function templateBlob(): Blob {
  template ??= new Blob([fs.readFileSync(inject('templatePath'))]);
  return template;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  // Every cleanup runs even when one fails; the first failure is reported.
  const failures: unknown[] = [];
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
});

/** An in-memory core on a copy of the template, disposed after the test. */
export async function testCore(
  options: CreateCoreOptions = {},
): Promise<Core & { clock: FakeClock }> {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock();
  const core = await createCore({ template: templateBlob(), ...options, clock });
  cleanups.push(() => core.dispose());
  return core as Core & { clock: FakeClock };
}

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'locus-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temporary data folder that already holds a migrated database, loaded from
 * the template: initdb in a fresh folder costs seconds (about 9 s on a loaded
 * machine against 3-4 s from the template), paid by every CLI test's first run.
 */
export async function tempDataDir(prefix = 'locus-test-'): Promise<string> {
  const dir = tempDir(prefix);
  const core = await createCore({ dataDir: dir, template: templateBlob() });
  await core.dispose();
  return dir;
}

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}
