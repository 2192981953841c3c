import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadModelFile } from '../../src/core/models/model-downloader';
import type { ProgressEvent } from '../../src/core/models/embedder';
import { LocusError } from '../../src/shared/errors';
import { buildTinyGguf } from '../fixtures/make-tiny-gguf';
import { tempDir } from '../helpers/test-core';

/**
 * A stand-in for the hub: /resolve/* redirects to a CDN path with the
 * X-Linked-* integrity headers the way Hugging Face does; the CDN honours
 * Range, and can be told to drop the connection part-way through.
 */
function startHub(file: Buffer) {
  const sha = crypto.createHash('sha256').update(file).digest('hex');
  const log: { path: string; range: string | undefined }[] = [];
  const state = {
    dropAfter: 0,
    drops: 0,
    ignoreRange: false,
    /** The client's partial file: a drop waits until it holds what was sent. */
    partFile: '',
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    log.push({ path: url, range: req.headers.range });
    if (url.startsWith('/resolve/')) {
      const name = url.slice('/resolve/'.length);
      res.writeHead(302, {
        location: `/cdn/${name}`,
        'x-linked-etag': `"${name === 'wrong-hash.gguf' ? 'f'.repeat(64) : sha}"`,
        'x-linked-size': String(file.length),
      });
      res.end();
      return;
    }
    if (url === '/cdn/missing.gguf') {
      res.writeHead(404).end('not found');
      return;
    }
    if (url === '/cdn/text.gguf') {
      res.writeHead(200, { 'content-length': '12' }).end('hello world!');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && !state.ignoreRange ? Number(range[1]) : 0;
    const body = file.subarray(start);
    res.writeHead(
      range && !state.ignoreRange ? 206 : 200,
      range && !state.ignoreRange
        ? {
            'content-range': `bytes ${start}-${file.length - 1}/${file.length}`,
            'content-length': String(body.length),
          }
        : { 'content-length': String(file.length) },
    );
    if (state.drops > 0) {
      state.drops--;
      // Closes mid-body once the client has written what was sent to its
      // partial file (fetch discards chunks still queued when the stream
      // errors): a state to wait for, not a time, so load cannot change it.
      const sent = state.dropAfter;
      res.write(body.subarray(0, sent), () => {
        const check = setInterval(() => {
          const size = fs.statSync(state.partFile, { throwIfNoEntry: false })?.size ?? 0;
          if (size < sent) return;
          clearInterval(check);
          res.socket?.end();
        }, 10);
      });
      return;
    }
    res.end(body);
  });
  return {
    sha,
    log,
    state,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (e: unknown) => (e instanceof LocusError ? e.code : String(e)),
  );

describe('model downloader', () => {
  // Big enough to arrive in several chunks.
  const file = buildTinyGguf();
  const hub = startHub(file);
  let base: string;
  beforeAll(async () => {
    base = await hub.listen();
  });
  afterAll(() => hub.close());

  it('downloads through the redirect, reports progress and checks size and SHA-256 from the hub headers', async () => {
    const destination = path.join(tempDir(), 'models', 'tiny.gguf');
    const events: ProgressEvent[] = [];
    const result = await downloadModelFile({
      url: `${base}/resolve/tiny.gguf`,
      destination,
      onProgress: (e) => events.push(e),
    });
    expect(result).toMatchObject({ sizeBytes: file.length, sha256: hub.sha, resumedFrom: 0 });
    expect(fs.readFileSync(destination).equals(file)).toBe(true);
    const downloads = events.filter((e) => e.phase === 'download');
    expect(downloads.at(-1)).toMatchObject({ done: file.length, total: file.length });
    expect(downloads.every((e, i) => i === 0 || e.done >= downloads[i - 1]!.done)).toBe(true);
    expect(events.some((e) => e.phase === 'verify')).toBe(true);
    expect(fs.existsSync(`${destination}.part`)).toBe(false);
  });

  it('resumes with a Range request after the connection drops', async () => {
    const destination = path.join(tempDir(), 'tiny.gguf');
    hub.state.dropAfter = 50_000;
    hub.state.drops = 1;
    hub.state.partFile = `${destination}.part`;
    hub.log.length = 0;
    const result = await downloadModelFile({
      url: `${base}/resolve/tiny.gguf`,
      destination,
      retryDelayMs: 10,
    });
    expect(fs.readFileSync(destination).equals(file)).toBe(true);
    expect(result.sha256).toBe(hub.sha);
    expect(hub.log.some((r) => r.range === 'bytes=50000-')).toBe(true);
  });

  it('keeps the partial file when retries run out and continues from it on the next run', async () => {
    const destination = path.join(tempDir(), 'tiny.gguf');
    hub.state.dropAfter = 30_000;
    hub.state.drops = 1;
    hub.state.partFile = `${destination}.part`;
    expect(
      await codeOf(
        downloadModelFile({ url: `${base}/resolve/tiny.gguf`, destination, retries: 0 }),
      ),
    ).toBe('DOWNLOAD_FAILED');
    expect(fs.statSync(`${destination}.part`).size).toBe(30_000);
    expect(fs.existsSync(destination)).toBe(false);
    const result = await downloadModelFile({ url: `${base}/resolve/tiny.gguf`, destination });
    expect(result.resumedFrom).toBe(30_000);
    expect(fs.readFileSync(destination).equals(file)).toBe(true);
  });

  it('starts over when the server ignores the range', async () => {
    const destination = path.join(tempDir(), 'tiny.gguf');
    fs.writeFileSync(`${destination}.part`, file.subarray(0, 1000));
    hub.state.ignoreRange = true;
    try {
      await downloadModelFile({ url: `${base}/resolve/tiny.gguf`, destination });
    } finally {
      hub.state.ignoreRange = false;
    }
    expect(fs.readFileSync(destination).equals(file)).toBe(true);
  });

  it('refuses a file whose hash, size or contents are wrong, leaving nothing behind', async () => {
    const dir = tempDir();
    const wrongHash = path.join(dir, 'wrong-hash.gguf');
    expect(
      await codeOf(
        downloadModelFile({ url: `${base}/resolve/wrong-hash.gguf`, destination: wrongHash }),
      ),
    ).toBe('DOWNLOAD_CHECK_FAILED');
    expect(fs.readdirSync(dir)).toEqual([]);

    const pinnedSize = path.join(dir, 'size.gguf');
    expect(
      await codeOf(
        downloadModelFile({
          url: `${base}/cdn/size.gguf`,
          destination: pinnedSize,
          sizeBytes: file.length + 1,
        }),
      ),
    ).toBe('DOWNLOAD_CHECK_FAILED');

    const text = path.join(dir, 'text.gguf');
    const message = await downloadModelFile({
      url: `${base}/cdn/text.gguf`,
      destination: text,
    }).catch((e: Error) => e.message);
    expect(message).toMatch(/not a GGUF model file/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('explains a missing file and a server that cannot be reached', async () => {
    const dir = tempDir();
    const missing = await downloadModelFile({
      url: `${base}/resolve/missing.gguf`,
      destination: path.join(dir, 'missing.gguf'),
    }).catch((e: LocusError) => e);
    expect(missing).toBeInstanceOf(LocusError);
    expect((missing as LocusError).code).toBe('DOWNLOAD_FAILED');
    expect((missing as LocusError).message).toMatch(/404.*pick a local \.gguf/);

    const unreachable = await downloadModelFile({
      url: 'http://127.0.0.1:9/nothing.gguf',
      destination: path.join(dir, 'x.gguf'),
      retries: 1,
      retryDelayMs: 5,
    }).catch((e: LocusError) => e);
    expect(unreachable).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    // Offline is when a .gguf the user already has matters most: say how to use it.
    expect((unreachable as LocusError).message).toMatch(/internet connection/);
    expect((unreachable as LocusError).message).toContain('locus models use <file.gguf>');
  });

  it('pauses on cancel and keeps what arrived', async () => {
    const destination = path.join(tempDir(), 'tiny.gguf');
    const controller = new AbortController();
    const result = await codeOf(
      downloadModelFile({
        url: `${base}/resolve/tiny.gguf`,
        destination,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.phase === 'download' && e.done > 0) controller.abort();
        },
      }),
    );
    expect(result).toBe('CANCELLED');
    expect(fs.existsSync(destination)).toBe(false);
  });
});
