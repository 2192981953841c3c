import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openDialogOptions,
  readPickedFile,
  saveDialogOptions,
  writeChosenFile,
} from '../../src/core/host/file-dialogs';
import { permissionAllowed } from '../../src/core/host/electron-policy';
import { tempDir } from '../helpers/test-core';

describe("the desktop shell's file dialogs (decisions, without Electron)", () => {
  it('proposes a safe file name in the folder, filtered by type', () => {
    expect(saveDialogOptions('Ada.af', '/home/me/Downloads')).toEqual({
      title: 'Save from Locus',
      defaultPath: '/home/me/Downloads/Ada.af',
      filters: [
        { name: 'Letta Agent File', extensions: ['af'] },
        { name: 'All files', extensions: ['*'] },
      ],
      // GTK replaces an existing file silently unless asked to confirm (macOS and Windows always ask).
      properties: ['showOverwriteConfirmation'],
    });
    expect(saveDialogOptions('../../etc/x:y.md', '/d').defaultPath).toBe('/d/x_y.md');
    expect(openDialogOptions('gguf').filters).toEqual([
      { name: 'GGUF model', extensions: ['gguf'] },
    ]);
  });

  it('reads a picked agent file, gives a model only by path, and writes saves whole', () => {
    const dir = tempDir();
    const af = path.join(dir, 'ada.af');
    fs.writeFileSync(af, '{"agents":[]}');
    expect(readPickedFile('agentfile', af)).toEqual({
      path: af,
      name: 'ada.af',
      text: '{"agents":[]}',
      note: null,
    });
    expect(readPickedFile('gguf', '/models/m.gguf')).toEqual({
      path: '/models/m.gguf',
      name: 'm.gguf',
      text: null,
    });
    expect(() => readPickedFile('gguf', af)).toThrow(/not a .gguf/);
    const target = path.join(dir, 'out.md');
    writeChosenFile(target, '# Memory');
    expect(fs.readFileSync(target, 'utf8')).toBe('# Memory');
    expect(fs.readdirSync(dir).sort()).toEqual(['ada.af', 'out.md']);
  });

  it('lets pages write to the clipboard and nothing else', () => {
    expect(permissionAllowed('clipboard-sanitized-write')).toBe(true);
    for (const p of ['clipboard-read', 'media', 'notifications', 'geolocation'])
      expect(permissionAllowed(p)).toBe(false);
  });
});
