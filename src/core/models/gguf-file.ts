import fs from 'node:fs';
import path from 'node:path';
import type { GgufFileInfo, GgufInsights } from 'node-llama-cpp';
import { LocusError } from '../../shared/errors';

export const GGUF_MAGIC = 'GGUF';

export interface GgufInspection {
  path: string;
  sizeBytes: number;
  info: GgufFileInfo;
  insights: GgufInsights;
  architecture: string;
  /** Name from the file's metadata, else the file name. */
  name: string;
}

/** True when the first bytes are the GGUF magic; cheap check before parsing. */
export function hasGgufMagic(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const read = fs.readSync(fd, head, 0, 4, 0);
    return read === 4 && head.toString('latin1') === GGUF_MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks a model file before llama.cpp sees it, so a wrong or damaged file
 * gets a message that says what to do instead of a native crash or a vague
 * load failure: missing, not GGUF, unreadable header, or cut short (an
 * interrupted download is the usual cause).
 */
export async function inspectGgufFile(file: string): Promise<GgufInspection> {
  const resolved = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new LocusError(
      'MODEL_FILE_MISSING',
      `The model file ${resolved} does not exist. Check the path, or download a recommended model in Models & settings (CLI: locus models).`,
      { path: resolved },
    );
  }
  if (!stat.isFile()) {
    throw new LocusError('MODEL_FILE_INVALID', `${resolved} is a folder, not a .gguf model file.`, {
      path: resolved,
    });
  }
  if (!hasGgufMagic(resolved)) {
    throw new LocusError(
      'MODEL_FILE_INVALID',
      `${resolved} is not a GGUF model file. Locus runs llama.cpp models in GGUF format (files ending in .gguf).`,
      { path: resolved },
    );
  }
  // node-llama-cpp takes ~1-2 s to import; only model loading pays for it.
  const { GgufInsights, readGgufFileInfo } = await import('node-llama-cpp');
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(resolved, { logWarnings: false });
  } catch (error) {
    throw new LocusError(
      'MODEL_FILE_INVALID',
      `The model file ${resolved} is damaged or cut short (${(error as Error).message}). Download it again.`,
      { path: resolved },
    );
  }
  const insights = await GgufInsights.from(info);
  const expected = (info.infoEndOffset ?? 0) + insights.modelSize;
  if (stat.size < expected) {
    throw new LocusError(
      'MODEL_FILE_INVALID',
      `The model file ${resolved} is truncated: ${stat.size} of at least ${expected} bytes. The download was probably interrupted; download it again.`,
      { path: resolved, sizeBytes: stat.size, expectedBytes: expected },
    );
  }
  const general = info.metadata.general as { architecture?: string; name?: string } | undefined;
  return {
    path: resolved,
    sizeBytes: stat.size,
    info,
    insights,
    architecture: general?.architecture ?? 'unknown',
    name: general?.name ?? path.basename(resolved, '.gguf'),
  };
}
