import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freshBundleEntry } from '../../bin/cli-bundle.js';
import { buildCli } from '../../scripts/build/build-cli.mjs';
import { runCli } from '../helpers/run-cli';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDir } from '../helpers/test-core';

/** A bundle folder whose entry prints `marker`, built from `sources` at `builtAt`. */
function fakeBundle(sources: string[], builtAt: number, marker = 'from the bundle'): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'locus.mjs'), `console.log(${JSON.stringify(marker)});\n`);
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ builtAt, entry: 'locus.mjs', sources }),
  );
  return dir;
}

function sourceFile(mtimeMs: number): string {
  const file = path.join(tempDir(), 'source.ts');
  fs.writeFileSync(file, 'export {};\n');
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
  return file;
}

describe('the CLI bundle bin/locus.js runs', () => {
  it('is used only while no source it was built from is newer, exists, and is named', () => {
    const now = Date.now();
    const older = sourceFile(now - 60_000);
    const fresh = fakeBundle([older], now);
    expect(freshBundleEntry(fresh)).toBe(path.join(fresh, 'locus.mjs'));

    // An edit after the build, a deleted source, no manifest, no entry: the sources run.
    expect(freshBundleEntry(fakeBundle([older, sourceFile(now + 60_000)], now))).toBeNull();
    expect(freshBundleEntry(fakeBundle([older, `${older}.gone`], now))).toBeNull();
    expect(freshBundleEntry(fakeBundle([], now))).toBeNull();
    expect(freshBundleEntry(tempDir())).toBeNull();
    const noEntry = fakeBundle([older], now);
    fs.rmSync(path.join(noEntry, 'locus.mjs'));
    expect(freshBundleEntry(noEntry)).toBeNull();
  });

  it('bin/locus.js runs a fresh bundle, and the sources when it is stale or told to', async () => {
    const now = Date.now();
    const source = sourceFile(now - 60_000);
    const dir = fakeBundle([source], now);
    const run = (env: Record<string, string>) =>
      runCli(['--version'], { env: { LOCUS_CLI_BUNDLE_DIR: dir, ...env } });

    expect((await run({ LOCUS_CLI_FROM_SOURCE: '0' })).stdout).toBe('from the bundle\n');
    expect((await run({ LOCUS_CLI_FROM_SOURCE: '1' })).stdout).toMatch(/^locus \d/);
    fs.utimesSync(source, (now + 60_000) / 1000, (now + 60_000) / 1000);
    expect((await run({ LOCUS_CLI_FROM_SOURCE: '0' })).stdout).toMatch(/^locus \d/);
  });

  it('built from the sources, answers as the sources do', async () => {
    // Inside the repository: the packages left out of the bundle resolve from its node_modules.
    const outDir = path.join(repoRoot, 'dist', `cli-test-${process.pid}`);
    onTestFinished(() => fs.rmSync(outDir, { recursive: true, force: true }));
    await buildCli(outDir);
    expect(freshBundleEntry(outDir)).toBe(path.join(outDir, 'locus.mjs'));

    const ask = async (fromSource: '0' | '1', dataDir: string) => {
      // The built-in sentence model: TF.js and its files load from node_modules beside the bundle.
      const env = {
        LOCUS_CLI_BUNDLE_DIR: outDir,
        LOCUS_CLI_FROM_SOURCE: fromSource,
        LOCUS_EMBEDDER: 'builtin',
      };
      const base = ['--data-dir', dataDir, '--model', 'scripted'];
      return [
        await runCli(['--version'], { env }),
        await runCli(['-p', 'Remember that my boat is called Wren.', ...base], { env }),
        await runCli(['memory', 'history', 'boat', ...base], { env }),
        await runCli(['memory', 'blocks', ...base], { env }),
        await runCli(['status', ...base], { env }),
      ].map((r) => ({
        code: r.code,
        // What differs between two runs anyway: the folder, random ids, the minute.
        stdout: r.stdout
          .replaceAll(dataDir, '<data folder>')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
          .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, '<time>'),
      }));
    };
    const bundled = await ask('0', tempDir());
    const sources = await ask('1', tempDir());
    expect(bundled.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(bundled).toEqual(sources);
  });
});
