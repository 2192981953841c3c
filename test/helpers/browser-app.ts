import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import type { CreateCoreOptions } from '../../src/core/create-core';
import type { Handlers } from '../../src/shared/contract';
import { startHttpHost } from '../../src/core/host/http-host';
import { repoRoot } from './spawn-tsx';
import { onCleanup, testCore } from './test-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(repoRoot, 'test-output', 'screenshots');

/** The renderer's sources: a build is reused while none of them changes. */
function rendererSourceHash(): string {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(file).update(fs.readFileSync(file));
    }
  };
  walk(path.join(repoRoot, 'src/renderer'));
  walk(path.join(repoRoot, 'src/shared'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the real renderer the way electron-vite does, once per source
 * version: e2e files (and parallel workers) share it instead of each paying
 * for a Vite build.
 */
export async function buildRenderer(): Promise<{ dir: string; dispose: () => void }> {
  const cached = path.join(os.tmpdir(), `locus-renderer-${rendererSourceHash()}`);
  const keep = { dir: cached, dispose: () => undefined };
  if (fs.existsSync(path.join(cached, 'index.html'))) return keep;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-renderer-build-'));
  await build({
    root: path.join(repoRoot, 'src/renderer'),
    plugins: [react()],
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  try {
    fs.renameSync(outDir, cached);
  } catch {
    // Another worker finished the same build first: use that one.
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return keep;
}

/** What a describe block of browser tests shares; read its fields inside the tests. */
export interface BrowserSuite {
  readonly browser: Browser;
  readonly rendererDir: string;
}

/**
 * Builds the renderer and launches Chromium once for the enclosing describe
 * block, and closes both after it.
 */
export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let renderer: { dir: string; dispose: () => void } | undefined;
  beforeAll(async () => {
    renderer = await buildRenderer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    renderer?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('browserSuite() is read before its beforeAll ran.');
    return value;
  };
  return {
    get browser() {
      return ready(browser);
    },
    get rendererDir() {
      return ready(renderer).dir;
    },
  };
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

export interface OpenAppOptions {
  /** Show the first-run screen (other tests start past it). Defaults to false. */
  firstRun?: boolean;
  /** Defaults to 1200 x 800. */
  viewport?: { width: number; height: number };
  /** The page's time zone (IANA id); defaults to the machine's. */
  timezoneId?: string;
  /** Wraps the core's handlers, e.g. to hold a call open while the page acts. */
  wrapHandlers?: (handlers: Handlers) => Handlers;
}

/** A core on the scripted model, served to a fresh browser page. */
export async function openApp(
  browser: Browser,
  rendererDir: string,
  coreOptions: CreateCoreOptions = {},
  appOptions: OpenAppOptions = {},
): Promise<{ page: Page; core: Awaited<ReturnType<typeof testCore>>; appUrl: string }> {
  const core = await testCore(coreOptions);
  if (!appOptions.firstRun) {
    await core.handlers['preferences.update']({ onboardingDone: true });
  }
  const { page, appUrl } = await servePage(browser, rendererDir, core, appOptions);
  return { page, core, appUrl };
}

/** Serves handlers and events (a core, or a core session) to a fresh browser page. */
export async function servePage(
  browser: Browser,
  rendererDir: string,
  core: Pick<Awaited<ReturnType<typeof testCore>>, 'handlers' | 'events'>,
  appOptions: OpenAppOptions = {},
): Promise<{ page: Page; appUrl: string }> {
  const host = await startHttpHost({
    handlers: appOptions.wrapHandlers ? appOptions.wrapHandlers(core.handlers) : core.handlers,
    events: core.events,
    staticDir: rendererDir,
  });
  onCleanup(() => host.close());
  const context = await browser.newContext({
    viewport: appOptions.viewport ?? { width: 1200, height: 800 },
    ...(appOptions.timezoneId ? { timezoneId: appOptions.timezoneId } : {}),
  });
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
  return { page, appUrl: host.appUrl };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
