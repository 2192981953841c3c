import { describe, expect, it } from 'vitest';
import { startOwnerHost } from '../../src/core/host/owner-host';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

/** JSON nested `depth` levels deep inside `wrap`. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('the APIs beside /api answer hostile bodies with stable errors', () => {
  it('refuses JSON nested absurdly deep with a 4xx in the shape of each API', async () => {
    const core = await testCore();
    const host = await startOwnerHost({
      core,
      dataDir: tempDir(),
      kind: 'test',
      openaiApi: true,
      lettaApi: true,
    });
    onCleanup(() => host.close());
    const { apiKey } = await core.handlers['interfaces.get']({});
    const post = (path: string, body: string) =>
      fetch(`${host.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      });
    const deep = nested(50_000);

    const openai = await post(
      '/v1/chat/completions',
      `{"model":"Locus","messages":[{"role":"user","content":"hi"}],"metadata":${deep}}`,
    );
    expect(openai.status).toBe(400);
    expect(await openai.json()).toMatchObject({
      error: { message: expect.stringMatching(/nests/) },
    });

    const letta = await post('/v1/agents', `{"name":"deep","metadata":${deep}}`);
    expect(letta.status).toBe(422); // FastAPI's status for a body it refuses
    expect(await letta.json()).toMatchObject({ detail: expect.stringMatching(/nests/) });

    const mcp = await post(
      '/mcp',
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_agents","arguments":${deep}}}`,
    );
    expect(mcp.status).toBe(400);
    expect(await mcp.json()).toMatchObject({ error: { message: expect.stringMatching(/nests/) } });

    // And the host still answers.
    const agents = await fetch(`${host.url}/v1/models`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(agents.status).toBe(200);
  });
});
