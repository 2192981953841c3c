import path from 'node:path';

/**
 * The Electron shell's security decisions as plain functions, so they are
 * tested without Electron (whose binary cannot run in CI); src/main only
 * wires them to Electron's events (issue 22, item 14).
 */

/** The renderer is served from app://locus/, never file:// (any local file would share its origin). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'locus';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server electron-vite started, if the renderer may load from it:
 * never in a packaged app (an ELECTRON_RENDERER_URL in the user's
 * environment must not replace the app or gain its IPC), and only an http
 * address on this machine.
 */
export function devServerUrl(options: {
  isPackaged: boolean;
  envUrl: string | undefined;
}): string | null {
  if (options.isPackaged || !options.envUrl) return null;
  try {
    const url = new URL(options.envUrl);
    return url.protocol === 'http:' && LOOPBACK.has(url.hostname) ? url.toString() : null;
  } catch {
    return null;
  }
}

/**
 * Whether a URL is one of the app's own pages (app://locus/…, or the dev
 * server in development). Only those may call the core over IPC or stay
 * loaded in a window.
 */
export function isAppUrl(url: string, app: { devServerUrl?: string | null }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST;
  if (!app.devServerUrl) return false;
  try {
    return parsed.origin === new URL(app.devServerUrl).origin;
  } catch {
    return false;
  }
}

/**
 * The file an app:// request names inside the built renderer, or null for
 * anything else (another host, a malformed escape, a path leaving the folder).
 */
export function resolveAppRequest(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(`${root}${path.sep}`) ? file : null;
}

/** Links the app may offer to open in the user's browser: http(s) with a host, nothing else. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return (protocol === 'https:' || protocol === 'http:') && hostname !== '';
  } catch {
    return false;
  }
}

/**
 * What to do when a page (any frame) tries to go to `url`: stay if it is the
 * app, offer to open it in the browser (after asking: links come from model
 * output) if it is a web link, and refuse anything else.
 */
export function navigationDecision(
  url: string,
  app: { devServerUrl?: string | null },
): 'allow' | 'ask-external' | 'deny' {
  if (isAppUrl(url, app)) return 'allow';
  return isExternalLink(url) ? 'ask-external' : 'deny';
}

/**
 * What to do with window.open (or a target=_blank link): Locus never opens a
 * second window for a page, so only a web link is offered to the browser.
 * An app address is refused rather than handed to the OS's URL handler,
 * which would look for another program registered for app://.
 */
export function windowOpenDecision(
  url: string,
  app: { devServerUrl?: string | null },
): 'ask-external' | 'deny' {
  return navigationDecision(url, app) === 'ask-external' ? 'ask-external' : 'deny';
}

/** The question shown before a link leaves the app. */
export function externalLinkQuestion(url: string): { message: string; detail: string } {
  const host = new URL(url).host;
  return {
    message: `Open ${host} in your browser?`,
    detail: `${url}\n\nLinks can come from what the model wrote; open it only if you expect it.`,
  };
}

/**
 * The one web permission pages get is writing to the clipboard (the copy
 * buttons); camera, notifications, clipboard reads, …: nothing needs them.
 */
export function permissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/** The webPreferences of every Locus window. */
export function windowPreferences(options: { preload: string; isPackaged: boolean }) {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Developer tools only in development: in a packaged app they would let
    // anyone at the keyboard call the core directly.
    devTools: !options.isPackaged,
    // Electron fetches spell-check dictionaries from Google's servers; Locus stays offline.
    spellcheck: false,
  };
}
