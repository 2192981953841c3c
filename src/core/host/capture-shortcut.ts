/**
 * What the tray shows for the quick-note shortcut. Another app may already
 * own it (Electron's register() then returns false and nothing else
 * happens): the menu must not advertise a shortcut that does nothing, and
 * the user should learn why pressing it does not open the note.
 */
export interface CaptureShortcutStatus {
  /** Shown next to the menu item only when Locus holds the shortcut. */
  accelerator?: string;
  menuLabel: string;
  tooltip: string;
}

/** The accelerator as people read it on this platform. */
function readable(accelerator: string, platform: NodeJS.Platform): string {
  return accelerator.replace('CommandOrControl', platform === 'darwin' ? 'Cmd' : 'Ctrl');
}

export function captureShortcutStatus(
  accelerator: string,
  registered: boolean,
  platform: NodeJS.Platform,
): CaptureShortcutStatus {
  const keys = readable(accelerator, platform);
  if (registered) {
    return { accelerator, menuLabel: 'Quick note…', tooltip: `Locus: ${keys} for a quick note` };
  }
  const taken = `${keys} is used by another app`;
  return {
    menuLabel: `Quick note… (${taken})`,
    tooltip: `Locus: ${taken}; open a quick note from this icon`,
  };
}
