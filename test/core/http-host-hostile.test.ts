import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpHost } from '../../src/core/host/http-host';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

async function host(staticDir?: string) {
  const core = await testCore();
  const h = await startHttpHost({
    handlers: core.handlers,
    events: core.events,
    ...(staticDir ? { staticDir } : {}),
  });
  onCleanup(() => h.close());
  const post = (name: string, body: string) =>
    fetch(`${h.url}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body,
    });
  return { core, h, post };
}

/** A raw GET, so a malformed path reaches the server as sent. */
function rawGet(url: string, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${pathname}`, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('HTTP host under hostile requests', () => {
  it('answers a malformed %-escape with 400 INVALID_INPUT', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<title>Locus</title>');
    const { h } = await host(dir);
    const bad = await rawGet(h.url, '/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await rawGet(h.url, '/')).status).toBe(200);
  });

  it('survives a static file that fails while it is being read', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<title>Locus</title>');
    // Opens and stats as a file, then fails on read (EIO): what a file
    // removed or damaged mid-request does.
    fs.symlinkSync('/proc/self/mem', path.join(dir, 'broken.js'));
    const { h } = await host(dir);
    await rawGet(h.url, '/broken.js').catch(() => undefined);
    // Still serving.
    expect((await rawGet(h.url, '/')).status).toBe(200);
  });

  it('answers JSON nested 10,000 deep with 400 INVALID_INPUT, not a stack overflow', async () => {
    const { post } = await host();
    const deep = `{"agentId": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await post('agents.get', deep);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('answers another client while a long import runs', async () => {
    const { core, post } = await host();
    const messages = Array.from({ length: 8000 }, (_, i) => ({
      id: `m${i}`,
      role: 'user',
      content: `message ${i}`,
    }));
    const file = {
      agents: [{ id: 'a', name: 'Big', block_ids: [], tool_ids: [], messages }],
      blocks: [],
      tools: [],
    };
    const order: string[] = [];
    let other: Promise<void> | undefined;
    const off = core.events.on('progress', (p) => {
      // As soon as rows are being written, another client asks something.
      if (p.task !== 'import' || other) return;
      other = post('chat.cancel', JSON.stringify({ turnId: 'none' })).then(async (res) => {
        expect(res.status).toBe(200);
        await res.json();
        order.push('other client answered');
      });
    });
    const imported = await post('agentfile.import', JSON.stringify({ text: JSON.stringify(file) }));
    expect(await imported.json()).toMatchObject({ ok: true, value: { messages: 8000 } });
    order.push('import finished');
    off();
    await other;
    expect(order).toEqual(['other client answered', 'import finished']);
  });
});
