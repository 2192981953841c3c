import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/models/embedder';
import { createTransformersEmbedder } from '../../src/core/models/transformers-embedder';
import { TINY_EMBEDDER_ID, TINY_HIDDEN, writeTinyEmbedder } from '../fixtures/make-tiny-embedder';
import { onCleanup, restartCore, tempDir, testCore } from '../helpers/test-core';

const dot = (a: Float32Array, b: Float32Array): number =>
  a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);

let modelsDir: string;
beforeAll(() => {
  modelsDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'locus-models-'));
  writeTinyEmbedder(modelsDir);
  return () => fs.rmSync(modelsDir, { recursive: true, force: true });
});

const load = (dir = modelsDir) =>
  createTransformersEmbedder({
    modelsDir: dir,
    model: TINY_EMBEDDER_ID,
    dtype: 'fp32',
    threads: 1,
  });

/** Serves a models folder the way the hub does: /<owner>/<name>/resolve/<revision>/<file>. */
async function fakeHub(root: string): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    const file = match ? path.join(root, match[1] as string, match[2] as string) : '';
    if (!match || !file.startsWith(root) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      'content-length': body.length,
      'content-type': 'application/octet-stream',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

describe('transformers.js embedder', () => {
  it('loads a local model and returns normalised vectors where shared words mean closeness', async () => {
    const embedder = await load();
    onCleanup(() => embedder.dispose());
    expect(embedder.dimensions).toBe(TINY_HIDDEN);
    const [cat, cats, budget, again] = await embedder.embed([
      'my cat likes tea',
      'the cats like tea',
      'budget meeting on friday',
      'my cat likes tea',
    ]);
    expect(dot(cat!, cat!)).toBeCloseTo(1, 5);
    expect(Array.from(again!)).toEqual(Array.from(cat!));
    expect(dot(cat!, cats!)).toBeGreaterThan(dot(cat!, budget!));
  });

  it('says where to put the model when it is missing and downloads are off', async () => {
    const empty = tempDir();
    await expect(load(empty)).rejects.toMatchObject({
      code: 'EMBEDDER_MODEL_MISSING',
      message: expect.stringContaining(path.join(empty, 'locus-test', 'tiny-embedder')),
    });
  });

  it('downloads the model once from the hub with progress, then loads it offline', async () => {
    const hub = await fakeHub(modelsDir);
    const target = tempDir();
    const events: ProgressEvent[] = [];
    const downloaded = await createTransformersEmbedder({
      modelsDir: target,
      model: TINY_EMBEDDER_ID,
      dtype: 'fp32',
      allowDownload: true,
      remoteHost: hub.url,
      onProgress: (e) => events.push(e),
    });
    const [online] = await downloaded.embed(['a cat drinks milk']);
    await downloaded.dispose();
    expect(hub.requests.some((r) => r.endsWith('/onnx/model.onnx'))).toBe(true);
    const last = events.filter((e) => e.phase === 'download').at(-1);
    expect(last?.total).toBeGreaterThan(0);
    expect(last?.done).toBe(last?.total);
    expect(
      fs.existsSync(path.join(target, 'locus-test', 'tiny-embedder', 'onnx', 'model.onnx')),
    ).toBe(true);

    const before = hub.requests.length;
    const offline = await load(target);
    onCleanup(() => offline.dispose());
    const [local] = await offline.embed(['a cat drinks milk']);
    expect(hub.requests.length).toBe(before);
    expect(Array.from(local!)).toEqual(Array.from(online!));
  });

  it('powers archival search when the core switches to it, after re-embedding with progress', async () => {
    const first = await testCore();
    const agent = await first.agents.create({ name: 'Switcher' });
    await first.archival.insertMany(agent.id, [
      { text: 'my sister lives in lisbon' },
      { text: 'the piano concert is on saturday' },
      { text: 'the dog needs medicine every morning' },
    ]);
    const core = await restartCore(first, { embedder: await load() });
    expect(core.embedderSync).toEqual({ switched: true, pending: 3, pendingMessages: 0 });
    // Until re-embedded, passages are still found by their words.
    expect(
      (await core.archival.search(agent.id, { query: 'piano', mode: 'text' })).items,
    ).toHaveLength(1);
    expect(
      (await core.archival.search(agent.id, { query: 'piano', mode: 'vector' })).items,
    ).toHaveLength(0);

    const progress: ProgressEvent[] = [];
    expect(
      await core.archival.reembed({ batchSize: 2, onProgress: (e) => progress.push(e) }),
    ).toEqual({ embedded: 3 });
    expect(progress.map((p) => p.done)).toEqual([0, 2, 3]);
    expect(progress.every((p) => p.total === 3)).toBe(true);
    const hit = await core.archival.search(agent.id, {
      query: 'piano concert saturday',
      mode: 'vector',
      limit: 1,
    });
    expect(hit.items[0]?.text).toBe('the piano concert is on saturday');
    expect(await core.archival.count()).toEqual({ total: 3, pending: 0 });
  });
});
