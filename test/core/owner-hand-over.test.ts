import { describe, expect, it } from 'vitest';
import { startOwnerHost } from '../../src/core/host/owner-host';
import { requestHandOver } from '../../src/core/host/remote-core';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('hand-over of a data folder (owner host)', () => {
  it('lets go only when asked with the per-run token of the owner file, not an API key', async () => {
    const core = await testCore();
    let asked = 0;
    const host = await startOwnerHost({
      core,
      dataDir: tempDir(),
      kind: 'locus mcp',
      onHandOver: async () => {
        asked++;
      },
    });
    onCleanup(() => host.close());
    const { apiKey } = await core.handlers['interfaces.get']({});

    expect(await requestHandOver(host.url, apiKey)).toBe(false);
    expect(await requestHandOver(host.url, 'not-the-token-at-all')).toBe(false);
    expect(asked).toBe(0);

    expect(await requestHandOver(host.url, host.token)).toBe(true);
    await until(() => asked === 1);
  });

  it('takes the API key on the APIs only, never on the whole contract at /api', async () => {
    const core = await testCore();
    const host = await startOwnerHost({ core, dataDir: tempDir(), kind: 'test', lettaApi: true });
    onCleanup(() => host.close());
    const { apiKey } = await core.handlers['interfaces.get']({});
    const withKey = (path: string, init: RequestInit = {}) =>
      fetch(`${host.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      });
    expect((await withKey('/v1/agents')).status).toBe(200);
    const contract = await withKey('/api/call/interfaces.get', { method: 'POST', body: '{}' });
    expect(contract.status).toBe(401);
    expect(
      (await fetch(`${host.url}/api/call/interfaces.get?token=${apiKey}`, { method: 'POST' }))
        .status,
    ).toBe(401);
  });

  it('is refused by a holder that must keep the folder (the app, locus serve)', async () => {
    const core = await testCore();
    const host = await startOwnerHost({ core, dataDir: tempDir(), kind: 'locus serve' });
    onCleanup(() => host.close());
    const res = await fetch(`${host.url}/api/owner/hand-over`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}` },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'DATA_DIR_LOCKED' } });
  });
});
