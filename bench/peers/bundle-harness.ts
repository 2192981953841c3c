import path from 'node:path';
import { build } from 'esbuild';
import { EXTERNAL as LOCUS_EXTERNAL } from '../../scripts/build/build-cli.mjs';

const HERE = import.meta.dirname;

/**
 * Every system runs from one bundle of run-system.ts under plain node, as
 * the app runs from electron-vite's bundle: through tsx's loader the same
 * process held ~60 MB more before any store opened (loader thread, source
 * maps, 400+ separately compiled modules), and the peers suite measures
 * each store's peak RSS. Packages with native or WebAssembly parts stay
 * external and load from node_modules as usual (the bundle sits beside
 * bench/peers/node_modules, so the peers' packages resolve too); everything
 * else, Locus's own zod among it, is inside the bundle, so the peers'
 * different versions of shared packages cannot be picked up instead.
 */
const EXTERNAL = [...LOCUS_EXTERNAL, '@lancedb/*', 'better-sqlite3', 'sqlite-vec', 'mem0ai'];

/** Builds bench/peers/.build/run-system.mjs (gitignored) and returns its path. */
export async function bundleHarness(): Promise<string> {
  const outfile = path.join(HERE, '.build', 'run-system.mjs');
  await build({
    entryPoints: [path.join(HERE, 'run-system.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
