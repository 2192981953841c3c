import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './test-core';

/** What the stand-in hub serves for a path, or null for 404. */
export type HubFile = { body: Buffer; headers?: Record<string, string> } | null;

/**
 * A local stand-in for the Hugging Face hub that sends files in 32 KB
 * chunks `delayMs` apart, so a download's progress is seen moving.
 * LOCUS_HUB_URL points at it until the test ends.
 */
export async function serveSlowHub(
  fileFor: (decodedPath: string) => HubFile,
  delayMs: number,
): Promise<string> {
  const server = http.createServer((req, res) => {
    const file = fileFor(decodeURIComponent(req.url ?? ''));
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const { body } = file;
    res.writeHead(200, { 'content-length': String(body.length), ...file.headers });
    let sent = 0;
    const step = () => {
      if (sent >= body.length) return res.end();
      res.write(body.subarray(sent, sent + 32_768));
      sent += 32_768;
      setTimeout(step, delayMs);
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const previous = process.env.LOCUS_HUB_URL;
  process.env.LOCUS_HUB_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onCleanup(() => {
    if (previous === undefined) delete process.env.LOCUS_HUB_URL;
    else process.env.LOCUS_HUB_URL = previous;
  });
  return process.env.LOCUS_HUB_URL;
}
