import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownerFilePath } from '../../src/core/host/owner-file';
import { lockPathFor } from '../../src/core/storage/lock';
import { exerciseEveryTool, httpMcpClient, stdioMcpClient, toolText } from '../helpers/mcp-clients';
import { runCli } from '../helpers/run-cli';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/test-core';

const owner = (dataDir: string) =>
  JSON.parse(fs.readFileSync(ownerFilePath(dataDir), 'utf8')) as {
    pid: number;
    url: string;
    token: string;
    kind: string;
  };

async function chatThroughHost(url: string, token: string, text: string): Promise<void> {
  const post = async (name: string, body: unknown) => {
    const res = await fetch(`${url}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean; value: { id: string } };
    expect(json.ok).toBe(true);
    return json.value;
  };
  const agent = await post('agents.getDefault', {});
  await post('chat.send', { agentId: agent.id, text });
}

describe('locus mcp (the SDK client against a real data folder)', () => {
  it('serves every tool over HTTP and over stdio while locus serve holds the folder', async () => {
    const dataDir = tempDir();
    const served = await startServe(dataDir);
    const { url, token } = owner(dataDir);
    await chatThroughHost(url, token, 'my name is Ada');

    const http = await httpMcpClient(url, token);
    await exerciseEveryTool(http, 'walnut');

    // The stdio server works through the holder: same memory, no second opener.
    const stdio = await stdioMcpClient(dataDir);
    await exerciseEveryTool(stdio.client, 'hazel');
    expect(await toolText(stdio.client, 'search_memory', { query: 'walnut spare key' })).toContain(
      'The walnut spare key',
    );
    expect(owner(dataDir).pid).toBe(served.child.pid);

    const refused = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
  });

  it('opens the folder itself when nothing holds it, shares it meanwhile, and lets go on exit', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    expect((await runCli(['-p', 'my name is Bo', '--model', 'scripted', ...base])).code).toBe(0);

    const stdio = await stdioMcpClient(dataDir, ['--embedder', 'fake']);
    await exerciseEveryTool(stdio.client, 'maple');
    expect(await toolText(stdio.client, 'search_conversations', { query: 'Bo' })).toContain(
      'user: my name is Bo',
    );

    // While it holds the folder, other commands go through it.
    expect(owner(dataDir).kind).toBe('locus mcp');
    const status = await runCli(['status', ...base]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Served by: locus mcp');
    expect(status.stdout).toContain('Archival passages: 1');

    await stdio.client.close();
    for (let i = 0; i < 600 && fs.existsSync(lockPathFor(dataDir)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(fs.existsSync(lockPathFor(dataDir))).toBe(false);
    expect(fs.existsSync(ownerFilePath(dataDir))).toBe(false);
  });

  it('hands the folder over when locus serve starts, then works through it', async () => {
    const dataDir = tempDir();
    const stdio = await stdioMcpClient(dataDir, ['--embedder', 'fake']);
    await toolText(stdio.client, 'add_memory', { text: 'The boat is called Wren' });
    expect(owner(dataDir).kind).toBe('locus mcp');

    // The app or locus serve must hold the folder; the borrower lets go.
    const served = await startServe(dataDir);
    expect(owner(dataDir)).toMatchObject({ kind: 'locus serve', pid: served.child.pid });
    expect(await toolText(stdio.client, 'search_memory', { query: 'boat' })).toContain(
      'The boat is called Wren',
    );
    expect(owner(dataDir).pid).toBe(served.child.pid);
  });
});
