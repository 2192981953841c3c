import type { LocusClient } from './api/client';

/** Inside the Electron shell (the preload's bridge is there): native dialogs are available. */
export function inDesktopShell(): boolean {
  return Boolean((window as unknown as { locus?: unknown }).locus);
}

/**
 * Saves text the way the platform does: a save dialog in the desktop app, a
 * download in a browser. Resolves to where it went, or null when cancelled.
 */
export async function saveTextFile(
  client: LocusClient,
  fileName: string,
  text: string,
): Promise<string | null> {
  if (inDesktopShell()) return (await client.call('dialogs.saveFile', { fileName, text })).path;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return fileName;
}
