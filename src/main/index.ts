import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createCore, type Core } from '../core/create-core';
import { defaultDataDir } from '../core/storage/data-dir';

// A second launch must never open the database: it hands over to the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let window: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.whenReady().then(async () => {
    core = await createCore({ dataDir: defaultDataDir() });
    window = new BrowserWindow({
      width: 1100,
      height: 760,
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    });
    if (process.env.ELECTRON_RENDERER_URL) await window.loadURL(process.env.ELECTRON_RENDERER_URL);
    else await window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  });

  let disposing = false;
  app.on('before-quit', (event) => {
    if (!core || disposing) return;
    // Finish the core's writes and release the data-dir lock before exiting.
    event.preventDefault();
    disposing = true;
    void core.dispose().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
