import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import { decodeAgentFileBytes } from '../../shared/decode-agent-file';

/**
 * What the Electron shell's native file dialogs ask and do, kept here so it
 * is tested without Electron: the shell only shows the dialog.
 */
export type PickKind = 'agentfile' | 'gguf';

export interface DialogFilter {
  name: string;
  extensions: string[];
}

const FILTERS: Record<string, DialogFilter> = {
  af: { name: 'Letta Agent File', extensions: ['af'] },
  md: { name: 'Markdown', extensions: ['md'] },
  gguf: { name: 'GGUF model', extensions: ['gguf'] },
};

/** Largest agent file read for a client (the contract's own limit). */
export const MAX_AGENT_FILE_BYTES = 200 * 1024 * 1024;

export function saveDialogOptions(
  fileName: string,
  folder: string,
): {
  title: string;
  defaultPath: string;
  filters: DialogFilter[];
  properties: ['showOverwriteConfirmation'];
} {
  const safe = path.basename(fileName).replace(/[\\/:*?"<>|]+/g, '_') || 'locus-export';
  const filter = FILTERS[path.extname(safe).slice(1).toLowerCase()];
  return {
    title: 'Save from Locus',
    defaultPath: path.join(folder, safe),
    filters: [...(filter ? [filter] : []), { name: 'All files', extensions: ['*'] }],
    // GTK (Linux) replaces an existing file silently without this; macOS and Windows always ask.
    properties: ['showOverwriteConfirmation'],
  };
}

export function openDialogOptions(kind: PickKind): {
  title: string;
  filters: DialogFilter[];
  properties: Array<'openFile'>;
} {
  return {
    title: kind === 'agentfile' ? 'Import an agent file' : 'Choose a GGUF model file',
    filters: [kind === 'agentfile' ? (FILTERS.af as DialogFilter) : (FILTERS.gguf as DialogFilter)],
    properties: ['openFile'],
  };
}

/** Writes beside and renames: a save the user interrupts never leaves half a file. */
export function writeChosenFile(target: string, text: string): void {
  const tmp = `${target}.locus-tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
}

/** The picked file for the renderer: an agent file's text, or a model's path only. */
export function readPickedFile(
  kind: PickKind,
  file: string,
): { path: string; name: string; text: string | null; note?: string | null } {
  const name = path.basename(file);
  if (kind === 'gguf') {
    if (!/\.gguf$/i.test(name)) {
      throw new LocusError('MODEL_FILE_INVALID', `${name} is not a .gguf model file.`);
    }
    return { path: file, name, text: null };
  }
  const size = fs.statSync(file).size;
  if (size > MAX_AGENT_FILE_BYTES) {
    throw new LocusError(
      'PAYLOAD_TOO_LARGE',
      `${name} is ${Math.round(size / 1024 / 1024)} MB; agent files up to 200 MB can be imported.`,
    );
  }
  return { path: file, name, ...decodeAgentFileBytes(fs.readFileSync(file)) };
}
