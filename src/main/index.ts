import fs from 'node:fs';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/bridge';
import type { EventName } from '../shared/contract';
import { serializeError, LocusError } from '../shared/errors';
import { autoBackup } from '../core/backup/backups';
import { systemClock } from '../core/clock';
import type { CoreSession } from '../core/host/core-session';
import { startSessionLifetime, type SessionLifetime } from '../core/host/session-lifetime';
import { dispatch } from '../core/host/dispatch';
import {
  openDialogOptions,
  readPickedFile,
  saveDialogOptions,
  writeChosenFile,
} from '../core/host/file-dialogs';
import { loadSavedModel } from '../core/host/open-app-core';
import { contentTypeFor } from '../core/host/content-types';
import {
  APP_ORIGIN,
  APP_SCHEME,
  devServerUrl as allowedDevServer,
  externalLinkQuestion,
  isAppUrl,
  isExternalLink,
  navigationDecision,
  permissionAllowed,
  resolveAppRequest,
  windowOpenDecision,
  windowPreferences,
} from '../core/host/electron-policy';
import { CONTENT_SECURITY_POLICY } from '../core/host/security-policy';
import { startOwnerHost, type OwnerHost } from '../core/host/owner-host';
import { openAppCoreTakingOver } from '../core/host/take-folder';
import { placeWindow, readWindowState, writeWindowState } from '../core/host/window-state';
import { defaultDataDir } from '../core/storage/data-dir';
import { buildMenu } from './menu';
import { setUpTray } from './tray';

// A thin shell: everything it does is wiring the core to a window. Logic that
// could be tested without Electron lives in src/core.
const rendererDir = join(import.meta.dirname, '../renderer');
const resourcesDir = join(import.meta.dirname, '../../resources');
const preload = join(import.meta.dirname, '../preload/index.cjs');
// A packaged app ignores ELECTRON_RENDERER_URL: only development loads a dev server.
const devServerUrl = allowedDevServer({
  isPackaged: app.isPackaged,
  envUrl: process.env.ELECTRON_RENDERER_URL,
});
const trusted = { devServerUrl };
const EVENTS: EventName[] = ['progress', 'agent', 'memory', 'memory.changed'];

// Before ready: app:// behaves like https (its own origin, fetch, no mixed content).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** Links leave the app only after the user says yes: they can come from model output. */
async function askToOpen(contents: WebContents, url: string): Promise<void> {
  // Only web links ever reach the OS, whichever event asked.
  if (!isExternalLink(url)) return;
  const owner = BrowserWindow.fromWebContents(contents);
  const question = externalLinkQuestion(url);
  const options = {
    type: 'question' as const,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    ...question,
  };
  const { response } = owner
    ? await dialog.showMessageBox(owner, options)
    : await dialog.showMessageBox(options);
  if (response === 0) await shell.openExternal(url);
}

// A second launch must never open the database: it hands over to the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: CoreSession | undefined;
  /** From the start of opening memory: a quit at any moment closes it in order. */
  let lifetime: SessionLifetime | undefined;
  let window: BrowserWindow | undefined;
  let ownerHost: OwnerHost | undefined;

  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // No page, in any frame, may open windows, navigate away or embed webviews;
  // web links are offered to the browser after asking.
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string): void => {
      const decision = navigationDecision(url, trusted);
      if (decision === 'allow') return;
      event.preventDefault();
      if (decision === 'ask-external') void askToOpen(contents, url);
    };
    contents.setWindowOpenHandler(({ url }) => {
      if (windowOpenDecision(url, trusted) === 'ask-external') void askToOpen(contents, url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', guard);
    contents.on('will-frame-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl, trusted)) {
      return {
        ok: false,
        error: serializeError(
          new LocusError('FORBIDDEN', 'Calls are accepted only from Locus itself.'),
        ),
      };
    }
    if (!core) {
      return {
        ok: false,
        error: serializeError(new LocusError('INTERNAL', 'Locus is still starting; try again.')),
      };
    }
    return dispatch(core.handlers, String(name), input);
  });

  app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        },
      });
    });
    // Refuse every permission request and check (camera, notifications, ...) but copying.
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(permissionAllowed(permission)),
    );
    session.defaultSession.setPermissionCheckHandler((_wc, permission) =>
      permissionAllowed(permission),
    );
    // The built renderer, from app://locus/ (a file:// page would share its
    // origin with every local file).
    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppRequest(request.url, rendererDir);
      const body = file ? await fs.promises.readFile(file).catch(() => null) : null;
      if (!body) return new Response('Not found', { status: 404 });
      return new Response(body, {
        headers: {
          'content-type': contentTypeFor(file as string),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    });
    Menu.setApplicationMenu(buildMenu(!app.isPackaged));

    const dataDir = process.env.LOCUS_DATA_DIR ?? defaultDataDir();
    try {
      // A session: restoring a backup or switching embedders reopens memory in place.
      lifetime = startSessionLifetime({
        dataDir,
        open: async (onProgress, signal) => {
          // locus mcp may be borrowing the folder for an editor; it hands it over.
          const { core: opened } = await openAppCoreTakingOver({ dataDir, onProgress, signal });
          // Loading a model takes seconds; the window is usable meanwhile (a
          // quit meanwhile waits for it: the core's dispose does).
          void loadSavedModel(opened);
          return opened;
        },
      });
      core = await lifetime.opening;
    } catch (error) {
      // A quit while opening: before-quit closes what opened; nothing to report.
      if (lifetime?.closing) return;
      const { code, message } = serializeError(error);
      dialog.showErrorBox('Locus cannot open its memory', `${message}\n\n(${code})`);
      app.exit(1);
      return;
    }
    // Quit while memory was opening: before-quit is closing it; open no window.
    if (lifetime.closing) return;
    // Native dialogs: the shell shows them; what they ask and do is in file-dialogs.ts.
    core.handlers['dialogs.saveFile'] = async ({ fileName, text }) => {
      const options = saveDialogOptions(fileName, app.getPath('downloads'));
      const chosen = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (chosen.canceled || !chosen.filePath) return { path: null };
      writeChosenFile(chosen.filePath, text);
      return { path: chosen.filePath };
    };
    core.handlers['dialogs.openFile'] = async ({ kind }) => {
      const options = openDialogOptions(kind);
      const chosen = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      const file = chosen.filePaths[0];
      return chosen.canceled || !file ? null : readPickedFile(kind, file);
    };
    const opened = core;
    // One owner, many clients: CLI commands and `locus mcp` reach this core
    // through a loopback host instead of being refused the data folder.
    ownerHost = await startOwnerHost({
      core: opened,
      dataDir,
      kind: 'the Locus app',
    }).catch(() => undefined);
    // Reopens where it was closed (UI state, so beside Electron's own files, not in the data folder).
    const windowStateFile = join(app.getPath('userData'), 'window-state.json');
    // The layout works from phone width up (the sidebar collapses).
    const size = { width: 1100, height: 760, minWidth: 360, minHeight: 480 };
    const placed = placeWindow(
      readWindowState(windowStateFile),
      screen.getAllDisplays().map((display) => display.workArea),
      size,
    );
    window = new BrowserWindow({
      ...placed.bounds,
      minWidth: size.minWidth,
      minHeight: size.minHeight,
      title: 'Locus',
      icon: join(resourcesDir, 'icon.png'),
      webPreferences: windowPreferences({ preload, isPackaged: app.isPackaged }),
    });
    if (placed.maximized) window.maximize();
    const closing = window;
    closing.on('close', () =>
      writeWindowState(windowStateFile, {
        ...closing.getNormalBounds(),
        maximized: closing.isMaximized(),
      }),
    );
    // The main window is the app: closing it quits even while a quick-note
    // window is open (else "Open Locus" and a second launch had no window to show).
    window.on('closed', () => app.quit());
    for (const name of EVENTS) {
      opened.events.on(name, (payload) => {
        for (const open of BrowserWindow.getAllWindows()) {
          if (!open.isDestroyed()) open.webContents.send(IPC_EVENT_CHANNEL, name, payload);
        }
      });
    }
    const load = async (target: BrowserWindow, view?: string) => {
      const base = devServerUrl ?? `${APP_ORIGIN}/index.html`;
      await target.loadURL(view ? `${base}?view=${encodeURIComponent(view)}` : base);
    };
    await load(window);
    const main = window;
    const { dispose } = setUpTray({
      resourcesDir,
      preload,
      load,
      showMain: () => {
        if (main.isDestroyed()) return;
        main.show();
        main.focus();
      },
      quit: () => app.quit(),
    });
    app.on('will-quit', dispose);
    // The rolling daily backup, checked at start and every few hours.
    // Through the session, so a quit waits for a backup being written.
    const backUp = () =>
      void opened
        .background('auto-backup', (open) => autoBackup(open.database, dataDir, systemClock))
        .catch(() => undefined);
    backUp();
    setInterval(backUp, 6 * 60 * 60 * 1000).unref();
  });

  let disposing = false;
  app.on('before-quit', (event) => {
    if (!lifetime || disposing) return;
    // Finish the core's writes and release the data-dir lock before exiting,
    // also while memory is still opening (close() waits for the open).
    event.preventDefault();
    disposing = true;
    const closing = lifetime;
    void (ownerHost?.close() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => closing.close())
      .finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
