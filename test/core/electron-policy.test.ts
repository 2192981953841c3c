import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  devServerUrl,
  externalLinkQuestion,
  isAppUrl,
  navigationDecision,
  permissionAllowed,
  resolveAppRequest,
  windowOpenDecision,
  windowPreferences,
} from '../../src/core/host/electron-policy';
import { captureShortcutStatus } from '../../src/core/host/capture-shortcut';
import { repoRoot } from '../helpers/spawn-tsx';

// Electron's binary cannot run here: the shell's decisions are plain
// functions, tested directly; src/main only wires them to Electron's events.
describe('Electron shell security decisions', () => {
  it('ignores ELECTRON_RENDERER_URL in a packaged app and anything but a loopback http server', () => {
    const env = 'http://localhost:5173/';
    expect(devServerUrl({ isPackaged: true, envUrl: env })).toBeNull();
    expect(devServerUrl({ isPackaged: false, envUrl: env })).toBe(env);
    expect(devServerUrl({ isPackaged: false, envUrl: 'https://evil.example/' })).toBeNull();
    expect(devServerUrl({ isPackaged: false, envUrl: 'file:///tmp/x.html' })).toBeNull();
    expect(devServerUrl({ isPackaged: false, envUrl: 'not a url' })).toBeNull();
    // Not trusted for IPC either, once ignored.
    const packaged = { devServerUrl: devServerUrl({ isPackaged: true, envUrl: env }) };
    expect(isAppUrl(env, packaged)).toBe(false);
    expect(isAppUrl('app://locus/index.html?view=capture', packaged)).toBe(true);
    expect(isAppUrl('app://other/index.html', packaged)).toBe(false);
  });

  it('serves only files inside the renderer folder over app://', () => {
    const dir = '/opt/locus/out/renderer';
    expect(resolveAppRequest('app://locus/', dir)).toBe(path.join(dir, 'index.html'));
    expect(resolveAppRequest('app://locus/assets/index-1.js', dir)).toBe(
      path.join(dir, 'assets/index-1.js'),
    );
    // Dot segments are resolved by the URL parser; the result stays inside.
    expect(resolveAppRequest('app://locus/%2e%2e/%2e%2e/etc/passwd', dir)).toBe(
      path.join(dir, 'etc/passwd'),
    );
    for (const bad of [
      'app://locus/..%2F..%2Fetc%2Fpasswd',
      'app://locus/%E0%A4%A',
      'app://locus/a%00b.js',
      'app://evil/index.html',
      'file:///etc/passwd',
      'nonsense',
    ]) {
      expect(resolveAppRequest(bad, dir), bad).toBeNull();
    }
  });

  it('asks before a link leaves the app, in any frame, and refuses other schemes', () => {
    const app = { devServerUrl: null };
    expect(navigationDecision('app://locus/index.html', app)).toBe('allow');
    expect(navigationDecision('https://example.com/page', app)).toBe('ask-external');
    expect(navigationDecision('http://192.168.1.1/', app)).toBe('ask-external');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'x'])
      expect(navigationDecision(url, app), url).toBe('deny');
    expect(externalLinkQuestion('https://example.com/a?b=c').message).toBe(
      'Open example.com in your browser?',
    );
  });

  it('opens no window: window.open of a web link asks, of anything else (the app itself too) is refused', () => {
    const app = { devServerUrl: 'http://localhost:5173/' };
    expect(windowOpenDecision('https://example.com/', app)).toBe('ask-external');
    // An app:// address is not a web link: it must never reach the OS's URL handler.
    for (const url of [
      'app://locus/index.html',
      'http://localhost:5173/?view=capture',
      'file:///x',
    ])
      expect(windowOpenDecision(url, app), url).toBe('deny');
  });

  it('tells the user when another app holds the quick-note shortcut, instead of showing it as working', () => {
    const taken = captureShortcutStatus('CommandOrControl+Shift+Space', false, 'linux');
    expect(taken.accelerator).toBeUndefined();
    expect(taken.menuLabel).toBe('Quick note… (Ctrl+Shift+Space is used by another app)');
    expect(taken.tooltip).toContain('Ctrl+Shift+Space is used by another app');
    const mac = captureShortcutStatus('CommandOrControl+Shift+Space', false, 'darwin');
    expect(mac.menuLabel).toContain('Cmd+Shift+Space');
    const ours = captureShortcutStatus('CommandOrControl+Shift+Space', true, 'linux');
    expect(ours).toEqual({
      accelerator: 'CommandOrControl+Shift+Space',
      menuLabel: 'Quick note…',
      tooltip: 'Locus: Ctrl+Shift+Space for a quick note',
    });
  });

  it('grants no web permission and turns developer tools off when packaged', () => {
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation'])
      expect(permissionAllowed(permission)).toBe(false);
    expect(windowPreferences({ preload: 'p.cjs', isPackaged: true })).toMatchObject({
      devTools: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(windowPreferences({ preload: 'p.cjs', isPackaged: false }).devTools).toBe(true);
  });

  it('is wired into the shell for every window and frame', () => {
    // The electron calls cannot run here; this keeps them from being dropped.
    const main = fs.readFileSync(path.join(repoRoot, 'src/main/index.ts'), 'utf8');
    for (const wiring of [
      'registerSchemesAsPrivileged',
      'protocol.handle(APP_SCHEME',
      "'will-navigate'",
      "'will-frame-navigate'",
      "'will-redirect'",
      'setWindowOpenHandler',
      "windowOpenDecision(url, trusted) === 'ask-external'",
      'if (!isExternalLink(url)) return;',
      'setPermissionCheckHandler',
      'setPermissionRequestHandler',
      'windowPreferences({ preload, isPackaged: app.isPackaged })',
      'allowedDevServer({',
      "window.on('closed', () => app.quit());",
      'readWindowState(windowStateFile)',
      'writeWindowState(windowStateFile, {',
      'if (!window || window.isDestroyed()) return;',
    ])
      expect(main, wiring).toContain(wiring);
    expect(main).not.toContain('loadFile(');
    expect(main).not.toContain('shell.openExternal(url);\n      return');
    const tray = fs.readFileSync(path.join(repoRoot, 'src/main/tray.ts'), 'utf8');
    expect(tray).toContain('windowPreferences(');
    expect(tray).toContain('globalShortcut.register(CAPTURE_SHORTCUT, openCapture),');
    expect(tray).toContain('label: shortcut.menuLabel');
  });
});
