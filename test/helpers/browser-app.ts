import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import type { CreateCoreOptions } from '../../src/core/create-core';
import type { Handlers } from '../../src/shared/contract';
import { startHttpHost } from '../../src/core/host/http-host';
import { repoRoot } from './spawn-tsx';
import { onCleanup, testCore } from './test-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(repoRoot, 'test-output', 'screenshots');

/** Builds the real renderer once per test file, the way electron-vite does. */
export async function buildRenderer(): Promise<{ dir: string; dispose: () => void }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-renderer-'));
  await build({
    root: path.join(repoRoot, 'src/renderer'),
    plugins: [react()],
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return { dir: outDir, dispose: () => fs.rmSync(outDir, { recursive: true, force: true }) };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Browser tests need Debian's chromium at ${CHROMIUM}: sudo apt-get install -y chromium (.ci/run does this).`,
    );
  }
  // Flags that keep Chromium from reaching for the network on a closed machine.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A core on the scripted model, served to a fresh browser page. */
export async function openApp(
  browser: Browser,
  rendererDir: string,
  coreOptions: CreateCoreOptions = {},
  /** Wraps the core's handlers, e.g. to hold a call open while the page acts. */
  wrapHandlers: (handlers: Handlers) => Handlers = (handlers) => handlers,
): Promise<{ page: Page; core: Awaited<ReturnType<typeof testCore>>; appUrl: string }> {
  const core = await testCore(coreOptions);
  const host = await startHttpHost({
    handlers: wrapHandlers(core.handlers),
    events: core.events,
    staticDir: rendererDir,
  });
  onCleanup(() => host.close());
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  onCleanup(() => context.close());
  // Waits are for a state, and a loaded machine may take long to reach it
  // (a 15 s limit failed correct tests): this only bounds a hang, and the
  // failure still names the locator.
  context.setDefaultTimeout(5 * 60_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  onCleanup(() => {
    if (problems.length) throw new Error(`The page reported errors:\n${problems.join('\n')}`);
  });
  await page.goto(host.appUrl);
  return { page, core, appUrl: host.appUrl };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
