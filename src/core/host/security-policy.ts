/**
 * One Content-Security-Policy for the renderer wherever it runs (Electron
 * app://, the loopback HTTP host): scripts only from the app itself, no
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

// The Electron shell's decisions (app URLs, links, permissions) are in electron-policy.ts.
export { isAppUrl, isExternalLink } from './electron-policy';
