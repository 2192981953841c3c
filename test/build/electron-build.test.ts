import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDir } from '../helpers/test-core';

// The desktop app must build on machines where Electron's binary cannot be
// downloaded (this one, CI): electron-vite only needs the electron package.
describe('electron-vite build', () => {
  it('builds main, preload and renderer without the Electron binary', () => {
    const outDir = tempDir('locus-build-');
    const result = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'),
        'build',
        '--outDir',
        outDir,
      ],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const main = fs.readFileSync(path.join(outDir, 'main/index.js'), 'utf8');
    // Electron and the native/WASM packages stay external, loaded at run time.
    expect(main).toMatch(/from ["']electron["']/);
    // node-llama-cpp is imported when a model loads (start-up, docs/benchmarks.md).
    expect(main).toMatch(/import\(["']node-llama-cpp["']\)/);
    expect(main).not.toMatch(/from ["']node-llama-cpp["']/);
    const preload = fs.readFileSync(path.join(outDir, 'preload/index.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).toContain('exposeInMainWorld');
    const html = fs.readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8');
    expect(html).toContain("script-src 'self'");
    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
  });
});
