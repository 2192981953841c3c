import { join } from 'node:path';
import { app, BrowserWindow, globalShortcut, Menu, nativeImage, Tray } from 'electron';
import { captureShortcutStatus } from '../core/host/capture-shortcut';
import { windowPreferences } from '../core/host/electron-policy';

export const CAPTURE_SHORTCUT = 'CommandOrControl+Shift+Space';

interface TrayOptions {
  resourcesDir: string;
  preload: string;
  /** Loads the renderer into a window, with an optional `view` query. */
  load: (window: BrowserWindow, view?: string) => Promise<void>;
  showMain: () => void;
  quit: () => void;
}

/**
 * The tray icon and the global shortcut both open one small capture window;
 * the note is saved by the core (journaled and fsynced) before it says "Saved".
 */
export function setUpTray(options: TrayOptions): { tray: Tray; dispose: () => void } {
  let capture: BrowserWindow | undefined;
  const openCapture = () => {
    if (capture && !capture.isDestroyed()) {
      capture.show();
      capture.focus();
      return;
    }
    capture = new BrowserWindow({
      width: 420,
      height: 220,
      title: 'Locus quick note',
      alwaysOnTop: true,
      minimizable: false,
      maximizable: false,
      skipTaskbar: true,
      webPreferences: windowPreferences({ preload: options.preload, isPackaged: app.isPackaged }),
    });
    void options.load(capture, 'capture');
  };

  // Another app may own the shortcut: the tray says so, and clicking it still works.
  const shortcut = captureShortcutStatus(
    CAPTURE_SHORTCUT,
    globalShortcut.register(CAPTURE_SHORTCUT, openCapture),
    process.platform,
  );
  const tray = new Tray(nativeImage.createFromPath(join(options.resourcesDir, 'tray.png')));
  tray.setToolTip(shortcut.tooltip);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      {
        label: shortcut.menuLabel,
        ...(shortcut.accelerator ? { accelerator: shortcut.accelerator } : {}),
        click: openCapture,
      },
      { label: 'Open Locus', click: options.showMain },
      { type: 'separator' },
      { label: 'Quit Locus', click: options.quit },
    ]),
  );
  tray.on('click', openCapture);
  return {
    tray,
    dispose: () => {
      globalShortcut.unregister(CAPTURE_SHORTCUT);
      tray.destroy();
    },
  };
}
