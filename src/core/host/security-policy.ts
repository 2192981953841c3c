/**
 * One Content-Security-Policy for the renderer wherever it runs (Electron
 * file://, the loopback HTTP host): scripts only from the app itself, no
 * eval, no plugins, no framing, network only to the app's own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets style attributes for dynamic sizes (progress bars, counters).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Whether a URL belongs to the app's own pages: the built renderer folder on
 * disk, or the dev server electron-vite started. IPC from anything else (an
 * embedded frame, a page the window was navigated to) is refused.
 */
export function isAppUrl(
  url: string,
  app: { rendererDir?: string; devServerUrl?: string },
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (!app.rendererDir) return false;
    const dir = app.rendererDir.replace(/[\\/]+$/, '').replace(/\\/g, '/');
    const file = decodeURIComponent(parsed.pathname).replace(/^\/([A-Za-z]:)/, '$1');
    return file.startsWith(`${dir}/`);
  }
  if (!app.devServerUrl) return false;
  try {
    return parsed.origin === new URL(app.devServerUrl).origin;
  } catch {
    return false;
  }
}

/** Links the app may open in the user's browser: http(s) only, never file: or custom schemes. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The one permission pages get: writing to the clipboard (copy buttons).
 * Camera, microphone, notifications, reading the clipboard: refused.
 */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}
