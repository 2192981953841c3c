#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and what it imports) into dist/cli with
// esbuild, for bin/locus.js to run under plain node. Through tsx every run
// paid its loader hooks and compiled ~all of src and zod from TypeScript
// (~0.2 s of CPU and ~40 MB of RSS a run). bin/locus.js runs the bundle only
// while it is not older than any file it was built from (manifest.json),
// else the sources through tsx, so an edit is never run stale. Built by
// `npm run build` and after every `npm install` (postinstall); dist/ is
// gitignored. A failed build never fails an install: the CLI then runs the
// sources, as before.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Packages loaded from node_modules as usual: native add-ons and WebAssembly
 * runtimes find their files relative to their own modules. The peers
 * benchmark's bundle keeps the same ones out (bench/peers/bundle-harness.ts).
 */
export const EXTERNAL = [
  '@electric-sql/*',
  'pg',
  'node-llama-cpp',
  '@huggingface/*',
  'onnxruntime-node',
  '@energetic-ai/*',
  '@tensorflow/*',
];

/** Files outside the bundle's sources whose change also makes it stale. */
const ALSO_DEPENDS_ON = ['package.json', 'package-lock.json'];

export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist', 'cli');

/**
 * Builds the bundle into `outDir` and writes its manifest last: the time the
 * build started and every source file it read (absolute paths). A file
 * changed during the build is newer than that time, so the bundle counts as
 * stale at once. `outDir` must be inside this repository: the packages left
 * out of the bundle resolve from its node_modules.
 */
export async function buildCli(outDir = DEFAULT_OUT_DIR) {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { locus: 'src/cli/main.ts' },
    bundle: true,
    // Each `await import()` of the sources stays a chunk loaded when needed.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    external: EXTERNAL,
    // Bundled CommonJS (zod's deps, pg's) may call require: give ESM chunks one.
    banner: {
      js: "import { createRequire as __locusCreateRequire } from 'node:module'; const require = __locusCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => path.resolve(ROOT, input))
    .concat(ALSO_DEPENDS_ON.map((file) => path.join(ROOT, file)))
    .filter((file) => fs.existsSync(file));
  fs.writeFileSync(
    path.join(outDir, 'manifest.json'),
    JSON.stringify({ builtAt, entry: 'locus.mjs', sources }),
  );
  return { outDir, sources: sources.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { sources } = await buildCli(process.argv[2] ?? DEFAULT_OUT_DIR);
    process.stdout.write(`locus: CLI bundled from ${sources} files into dist/cli.\n`);
  } catch (error) {
    // esbuild is a dev dependency: an install without it runs the CLI from source.
    process.stderr.write(
      `locus: the CLI bundle was not built (${error instanceof Error ? error.message : String(error)}); the CLI runs from its TypeScript sources instead (slower to start).\n`,
    );
  }
}
