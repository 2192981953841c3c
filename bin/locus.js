#!/usr/bin/env node
// Runs the CLI; the core is plain Node and needs no Electron. The bundle
// `npm install` and `npm run build` write (dist/cli) starts faster; it runs
// only while it is not older than any source it was built from, else the
// TypeScript sources run through tsx. LOCUS_CLI_FROM_SOURCE=1 always runs the
// sources (the tests do), LOCUS_CLI_BUNDLE_DIR names another bundle.
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { DEFAULT_BUNDLE_DIR, freshBundleEntry } from './cli-bundle.js';

const bundle =
  process.env.LOCUS_CLI_FROM_SOURCE === '1'
    ? null
    : freshBundleEntry(process.env.LOCUS_CLI_BUNDLE_DIR || DEFAULT_BUNDLE_DIR);
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
