import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/bridge';
import type { EventName } from '../shared/contract';
import { serializeError, LocusError } from '../shared/errors';
import type { Core } from '../core/create-core';
import { autoBackup } from '../core/backup/backups';
import { systemClock } from '../core/clock';
import { dispatch } from '../core/host/dispatch';
import { loadSavedModel } from '../core/host/open-app-core';
import { openAppCoreTakingOver } from '../core/host/take-folder';
import { startOwnerHost, type OwnerHost } from '../core/host/owner-host';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLink } from '../core/host/security-policy';
import { defaultDataDir } from '../core/storage/data-dir';
import { buildMenu } from './menu';
import { setUpTray } from './tray';

// A thin shell: everything it does is wiring the core to a window. Logic that
// could be tested without Electron lives in src/core.
const rendererDir = join(import.meta.dirname, '../renderer');
const resourcesDir = join(import.meta.dirname, '../../resources');
const preload = join(import.meta.dirname, '../preload/index.cjs');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const EVENTS: EventName[] = ['progress', 'agent', 'memory'];

// A second launch must never open the database: it hands over to the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let window: BrowserWindow | undefined;
  let ownerHost: OwnerHost | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // No page may open new windows, navigate away, or embed webviews.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, { rendererDir, ...(devServerUrl ? { devServerUrl } : {}) })) {
        event.preventDefault();
        if (isExternalLink(url)) void shell.openExternal(url);
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl, { rendererDir, ...(devServerUrl ? { devServerUrl } : {}) })) {
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
    // Refuse every permission request (camera, notifications, ...): nothing needs one.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
      callback(false),
    );
    Menu.setApplicationMenu(buildMenu(!app.isPackaged));

    try {
      // locus mcp may be borrowing the folder for an editor; it hands it over.
      ({ core } = await openAppCoreTakingOver({
        dataDir: process.env.LOCUS_DATA_DIR ?? defaultDataDir(),
        onProgress: (task, done, total) =>
          window?.webContents.send(IPC_EVENT_CHANNEL, 'progress', {
            task,
            phase: task,
            done,
            total,
          }),
      }));
    } catch (error) {
      const { code, message } = serializeError(error);
      dialog.showErrorBox('Locus cannot open its memory', `${message}\n\n(${code})`);
      app.exit(1);
      return;
    }
    const opened = core;
    // One owner, many clients: CLI commands and `locus mcp` reach this core
    // through a loopback host instead of being refused the data folder.
    ownerHost = await startOwnerHost({
      core: opened,
      dataDir: process.env.LOCUS_DATA_DIR ?? defaultDataDir(),
      kind: 'the Locus app',
    }).catch(() => undefined);
    window = new BrowserWindow({
      width: 1100,
      height: 760,
      title: 'Locus',
      icon: join(resourcesDir, 'icon.png'),
      webPreferences: {
        preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    for (const name of EVENTS) {
      opened.events.on(name, (payload) => {
        for (const open of BrowserWindow.getAllWindows()) {
          if (!open.isDestroyed()) open.webContents.send(IPC_EVENT_CHANNEL, name, payload);
        }
      });
    }
    const load = async (target: BrowserWindow, view?: string) => {
      if (devServerUrl) {
        await target.loadURL(view ? `${devServerUrl}?view=${view}` : devServerUrl);
      } else {
        await target.loadFile(join(rendererDir, 'index.html'), view ? { query: { view } } : {});
      }
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
    // Loading a model takes seconds; the window is usable meanwhile.
    void loadSavedModel(opened);
    // The rolling daily backup, checked at start and every few hours.
    const dataDir = process.env.LOCUS_DATA_DIR ?? defaultDataDir();
    const backUp = () =>
      void autoBackup(opened.database, dataDir, systemClock).catch(() => undefined);
    backUp();
    setInterval(backUp, 6 * 60 * 60 * 1000).unref();
  });

  let disposing = false;
  app.on('before-quit', (event) => {
    if (!core || disposing) return;
    // Finish the core's writes and release the data-dir lock before exiting.
    event.preventDefault();
    disposing = true;
    const opened = core;
    void (ownerHost?.close() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => opened.dispose())
      .finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
