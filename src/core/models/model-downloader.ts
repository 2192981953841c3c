import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import type { ProgressListener } from './embedder';
import { hasGgufMagic } from './gguf-file';

export interface DownloadOptions {
  url: string;
  /** Final path of the file; a `.part` file next to it holds what arrived so far. */
  destination: string;
  /** Pinned checks; otherwise taken from the hub's X-Linked-Size / X-Linked-Etag headers. */
  sha256?: string;
  sizeBytes?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Automatic resumes after a dropped connection. Defaults to 3. */
  retries?: number;
  /** Milliseconds before the first retry, doubled each time. Defaults to 1000. */
  retryDelayMs?: number;
  fetchImpl?: typeof fetch;
}

export interface DownloadResult {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Bytes that were already on disk from an earlier attempt. */
  resumedFrom: number;
}

interface PartMeta {
  url: string;
  sha256?: string;
  sizeBytes?: number;
}

interface Expected {
  sha256?: string;
  sizeBytes?: number;
}

const MAX_REDIRECTS = 8;

function partPaths(destination: string) {
  return { part: `${destination}.part`, meta: `${destination}.part.json` };
}

function readMeta(file: string): PartMeta | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PartMeta;
  } catch {
    return null;
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function failed(message: string, details?: Record<string, unknown>): LocusError {
  return new LocusError(
    'DOWNLOAD_FAILED',
    `${message} Check your internet connection and try again (the download resumes where it stopped), or use a .gguf file you already have: the file field in Models & settings, or "locus models use <file.gguf>".`,
    details,
  );
}

/** Hub headers that describe the real file even when a redirect serves it from a CDN. */
function collectExpected(headers: Headers, into: Expected): void {
  const etag = headers.get('x-linked-etag')?.replace(/^W\//, '').replace(/"/g, '');
  if (etag && /^[0-9a-f]{64}$/i.test(etag)) into.sha256 ??= etag.toLowerCase();
  const size = Number(headers.get('x-linked-size'));
  if (Number.isSafeInteger(size) && size > 0) into.sizeBytes ??= size;
}

/** Follows redirects by hand so the first hop's integrity headers are not lost. */
async function request(
  fetchImpl: typeof fetch,
  url: string,
  offset: number,
  expected: Expected,
  signal?: AbortSignal,
): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetchImpl(current, {
      redirect: 'manual',
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
      ...(signal ? { signal } : {}),
    });
    collectExpected(response.headers, expected);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return response;
  }
  throw failed(`Too many redirects while downloading ${url}.`);
}

async function sha256File(
  file: string,
  onProgress?: ProgressListener,
  item?: string,
): Promise<string> {
  const hash = crypto.createHash('sha256');
  const total = sizeOf(file);
  let done = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.({ phase: 'verify', ...(item ? { item } : {}), done, total });
  }
  return hash.digest('hex');
}

/**
 * Downloads a model file with progress, resumes after interruptions (HTTP
 * Range on the `.part` file, automatically and across runs), and only puts the
 * file in place after its size, SHA-256 and GGUF header check out, so a
 * half-downloaded or wrong file is never mistaken for a model.
 */
export async function downloadModelFile(options: DownloadOptions): Promise<DownloadResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const { part, meta } = partPaths(options.destination);
  const item = path.basename(options.destination);
  fs.mkdirSync(path.dirname(options.destination), { recursive: true });

  const expected: Expected = {
    ...(options.sha256 ? { sha256: options.sha256.toLowerCase() } : {}),
    ...(options.sizeBytes ? { sizeBytes: options.sizeBytes } : {}),
  };
  // A .part from a different URL or file version cannot be continued.
  const previous = readMeta(meta);
  if (
    previous &&
    (previous.url !== options.url ||
      (expected.sha256 && previous.sha256 && previous.sha256 !== expected.sha256))
  ) {
    fs.rmSync(part, { force: true });
  }
  const resumedFrom = sizeOf(part);
  if (previous?.url === options.url) {
    if (previous.sha256) expected.sha256 ??= previous.sha256;
    if (previous.sizeBytes) expected.sizeBytes ??= previous.sizeBytes;
  }

  const retries = options.retries ?? 3;
  let delay = options.retryDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchRemaining(fetchImpl, options, expected, part, meta, item);
      break;
    } catch (error) {
      if (options.signal?.aborted) {
        throw new LocusError(
          'CANCELLED',
          `Download of ${item} paused; run it again to resume from ${sizeOf(part)} bytes.`,
        );
      }
      const retryable = !(error instanceof LocusError) || error.details?.retryable === true;
      if (!retryable || attempt >= retries) {
        if (error instanceof LocusError) throw error;
        throw failed(`The download of ${item} was interrupted (${(error as Error).message}).`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }

  const size = sizeOf(part);
  const reject = (message: string): never => {
    fs.rmSync(part, { force: true });
    fs.rmSync(meta, { force: true });
    throw new LocusError('DOWNLOAD_CHECK_FAILED', `${message} The partial file was deleted.`, {
      path: options.destination,
    });
  };
  if (expected.sizeBytes !== undefined && size !== expected.sizeBytes) {
    reject(`${item} arrived with ${size} bytes but should have ${expected.sizeBytes}.`);
  }
  const digest = await sha256File(part, options.onProgress, item);
  if (expected.sha256 && digest !== expected.sha256) {
    reject(
      `${item} is corrupt: its SHA-256 is ${digest} but should be ${expected.sha256}. Try the download again.`,
    );
  }
  if (!hasGgufMagic(part)) {
    reject(`${item} is not a GGUF model file; the server sent something else.`);
  }
  fs.renameSync(part, options.destination);
  fs.rmSync(meta, { force: true });
  return { path: options.destination, sizeBytes: size, sha256: digest, resumedFrom };
}

async function fetchRemaining(
  fetchImpl: typeof fetch,
  options: DownloadOptions,
  expected: Expected,
  part: string,
  meta: string,
  item: string,
): Promise<void> {
  let offset = sizeOf(part);
  if (expected.sizeBytes !== undefined && offset === expected.sizeBytes) return;
  const response = await request(fetchImpl, options.url, offset, expected, options.signal);
  if (response.status === 416 && offset > 0) {
    // The server has nothing after what we hold: the file is complete.
    await response.body?.cancel();
    return;
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    const retryable = response.status >= 500 || response.status === 429;
    const hint =
      response.status === 401 || response.status === 403
        ? ' The file needs a login on the hub; download it in a browser and pick the .gguf file instead.'
        : response.status === 404
          ? ' The model may have moved; pick a local .gguf file instead.'
          : '';
    throw new LocusError(
      'DOWNLOAD_FAILED',
      `The server answered ${response.status} for ${item}.${hint}`,
      { status: response.status, retryable },
    );
  }
  // What the server promised in this response, to tell a dropped connection
  // (resume) from a complete but wrong file (checked afterwards).
  let serverTotal: number | undefined;
  if (response.status === 206) {
    const range = response.headers.get('content-range') ?? '';
    const start = Number(/^bytes (\d+)-/.exec(range)?.[1]);
    if (start !== offset) {
      await response.body?.cancel();
      fs.rmSync(part, { force: true });
      throw new LocusError('DOWNLOAD_FAILED', 'The server resumed at the wrong place.', {
        retryable: true,
      });
    }
    const total = Number(/\/(\d+)$/.exec(range)?.[1]);
    if (Number.isSafeInteger(total)) serverTotal = total;
  } else {
    // 200: the server ignored the range (or there was none): start over.
    offset = 0;
    const length = Number(response.headers.get('content-length'));
    if (Number.isSafeInteger(length) && length > 0) serverTotal = length;
  }
  if (serverTotal !== undefined) expected.sizeBytes ??= serverTotal;
  fs.writeFileSync(meta, JSON.stringify({ url: options.url, ...expected } satisfies PartMeta));
  if (!response.body) throw failed(`The server sent no data for ${item}.`);

  const total = expected.sizeBytes ?? serverTotal ?? 0;
  let done = offset;
  // Awaiting each write keeps the .part exactly as long as what was
  // acknowledged, so a resume after any failure starts at the right byte.
  const handle = await fs.promises.open(part, offset > 0 ? 'a' : 'w');
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done: finished, value } = await reader.read();
      if (finished) break;
      await handle.write(value);
      done += value.length;
      options.onProgress?.({ phase: 'download', item, done, total: Math.max(total, done) });
    }
  } finally {
    await handle.close();
  }
  if (serverTotal !== undefined && sizeOf(part) < serverTotal) {
    throw new Error(`connection closed after ${sizeOf(part)} of ${serverTotal} bytes`);
  }
}
