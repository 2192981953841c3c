import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpHost } from '../../src/core/host/http-host';
import { isAppUrl, isExternalLink } from '../../src/core/host/security-policy';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

async function host(staticDir?: string) {
  const core = await testCore({ chatModel: createScriptedModel() });
  const h = await startHttpHost({
    handlers: core.handlers,
    events: core.events,
    maxBodyBytes: 10_000,
    ...(staticDir ? { staticDir } : {}),
  });
  onCleanup(() => h.close());
  const post = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.url}/api/call/${name}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { core, h, post };
}

/** A raw request, to send a Host header fetch would not let us forge. */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('loopback HTTP host', () => {
  it('listens on 127.0.0.1 only and runs contract calls with the token', async () => {
    const { h, post } = await host();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post('agents.getDefault', {});
    const body = (await res.json()) as { ok: boolean; value: { name: string } };
    expect(body.ok).toBe(true);
    expect(body.value.name).toBeTruthy();
  });

  it('refuses calls without the token, from another origin, or for another host name', async () => {
    const { h, post } = await host();
    const noToken = await fetch(`${h.url}/api/call/status.get`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await post('status.get', {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const cross = await post('status.get', {}, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1.
    const port = new URL(h.url).port;
    expect(
      await rawGet(`${h.url}/api/events?token=${h.token}`, { host: `evil.example:${port}` }),
    ).toBe(403);
  });

  it('rejects bad input with stable error codes and keeps serving', async () => {
    const { post } = await host();
    const codeOf = async (res: Response) =>
      ((await res.json()) as { error: { code: string } }).error.code;
    expect(await codeOf(await post('no.such.call', {}))).toBe('UNKNOWN_CALL');
    expect(await codeOf(await post('blocks.list', {}))).toBe('INVALID_INPUT');
    expect(await codeOf(await post('blocks.list', { agentId: 42 }))).toBe('INVALID_INPUT');
    const notJson = await post('status.get', '{"unterminated');
    expect(notJson.status).toBe(400);
    expect(await codeOf(notJson)).toBe('INVALID_INPUT');
    const huge = await post('status.get', { pad: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(await codeOf(huge)).toBe('PAYLOAD_TOO_LARGE');
    const after = await post('status.get', {});
    expect(after.status).toBe(200);
    // An agent file may be large (whole memories): the import takes it and judges its content.
    const bigFile = await post('agentfile.import', { text: 'x'.repeat(20_000) });
    expect(bigFile.status).toBe(200);
    expect(await codeOf(bigFile)).toBe('AGENT_FILE_INVALID');
  });

  it('streams agent events over server-sent events', async () => {
    const { core, h, post } = await host();
    const agent = await core.agents.getOrCreateDefault();
    const events = await fetch(`${h.url}/api/events?token=${h.token}`);
    const reader = events.body!.getReader();
    let text = '';
    const collected = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        if (text.includes('"type":"done"')) break;
      }
    })();
    const sent = (await (
      await post('chat.send', { agentId: agent.id, text: 'hello there' })
    ).json()) as {
      value: { reply: string };
    };
    await collected;
    await reader.cancel();
    expect(sent.value.reply).toBe('You said: hello there');
    expect(text).toContain('event: agent');
    expect(text).toContain('"type":"token"');
  });

  it('serves the renderer with a strict CSP and never files outside its folder', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Locus</title>');
    fs.writeFileSync(path.join(tempDir(), 'secret.txt'), 'secret');
    const { h } = await host(dir);
    const page = await fetch(`${h.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Locus</title>');
    const escape = await fetch(`${h.url}/..%2F..%2Fsecret.txt`);
    expect(await escape.text()).not.toContain('secret');
  });

  it('accepts IPC only from the app and opens only http(s) links outside', () => {
    // The renderer is served from app://locus; file:// pages are not the app.
    expect(isAppUrl('app://locus/index.html', {})).toBe(true);
    expect(isAppUrl('file:///opt/locus/out/renderer/index.html', {})).toBe(false);
    expect(isAppUrl('http://localhost:5173/', { devServerUrl: 'http://localhost:5173' })).toBe(
      true,
    );
    expect(isAppUrl('https://example.com/', { devServerUrl: 'http://localhost:5173' })).toBe(false);
    expect(isAppUrl('not a url', {})).toBe(false);
    expect(isExternalLink('https://letta.com/docs')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });
});
