import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildZip } from '../fixtures/make-zip';
import { repoRoot, spawnTsx, waitForExit } from '../helpers/spawn-tsx';
import { onCleanup, tempDir } from '../helpers/test-core';

const electronPackage = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'node_modules/electron/package.json'), 'utf8'),
) as { version: string };

/**
 * A copy of the electron npm package as `npm install` leaves it (no binary),
 * whose installer resolves its own dependencies from this repo's node_modules.
 */
function bareElectronPackage(): string {
  const root = tempDir('locus-electron-');
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  const source = path.join(repoRoot, 'node_modules/electron');
  const copy = path.join(modules, 'electron');
  fs.mkdirSync(copy);
  for (const file of ['package.json', 'install.js', 'index.js', 'checksums.json']) {
    fs.copyFileSync(path.join(source, file), path.join(copy, file));
  }
  for (const scope of ['@electron', '@electron-internal']) {
    fs.symlinkSync(path.join(repoRoot, 'node_modules', scope), path.join(modules, scope));
  }
  return copy;
}

/** Serves an Electron release the way Electron's mirror lays it out. */
async function fakeElectronMirror(): Promise<string> {
  const version = `v${electronPackage.version}`;
  const zip = buildZip([
    { name: 'electron', data: Buffer.from('#!/bin/sh\necho fake electron\n'), mode: 0o755 },
    { name: 'version', data: Buffer.from(version) },
  ]);
  const file = `electron-${version}-linux-x64.zip`;
  const sums = `${crypto.createHash('sha256').update(zip).digest('hex')} *${file}\n`;
  const server = http.createServer((req, res) => {
    if (req.url === `/${version}/${file}`) res.end(zip);
    else if (req.url === `/${version}/SHASUMS256.txt`) res.end(sums);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function start(env: NodeJS.ProcessEnv) {
  const child = spawnTsx('scripts/desktop/start.ts', ['--ensure-only'], env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await waitForExit(child);
  return { code, stdout, stderr };
}

// npm start never launches Electron here (no binary can be had); these run
// the first-start check up to the point where electron-vite would take over.
describe('npm start: Electron binary on first start', () => {
  it(`downloads the binary with Electron's own installer on this Node (${process.version})`, async () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    const electronDir = bareElectronPackage();
    const mirror = await fakeElectronMirror();
    const result = await start({
      LOCUS_ELECTRON_DIR: electronDir,
      ELECTRON_MIRROR: mirror,
      electron_use_remote_checksums: '1',
      electron_config_cache: tempDir('locus-electron-cache-'),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("downloading Electron's binary once");
    expect(fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8')).toBe('electron');
    expect(result.stdout).toContain(path.join(electronDir, 'dist', 'electron'));

    // The second start finds it and downloads nothing.
    const again = await start({
      LOCUS_ELECTRON_DIR: electronDir,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
  });

  it('says in one line that the binary cannot be had and points to locus serve', async () => {
    const electronDir = bareElectronPackage();
    const result = await start({
      LOCUS_ELECTRON_DIR: electronDir,
      // Nothing listens there: the download fails at once, as it does offline.
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: tempDir('locus-electron-cache-'),
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Could not download Electron's binary \(.+\)\. .*npx locus serve$/);
    expect(fs.existsSync(path.join(electronDir, 'path.txt'))).toBe(false);
  });
});
