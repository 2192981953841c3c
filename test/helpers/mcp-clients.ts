import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { expect } from 'vitest';
import type { Handlers } from '../../src/shared/contract';
import { createLocusMcpServer } from '../../src/core/mcp/mcp-server';
import { repoRoot } from './spawn-tsx';
import { onCleanup } from './test-core';

/** The SDK's own client on `locus mcp` over stdio, as Claude Desktop would start it. */
export async function stdioMcpClient(
  dataDir: string,
  args: string[] = [],
): Promise<{ client: Client; stderr: () => string; pid: () => number | null }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(repoRoot, 'bin/locus.js'), 'mcp', '--data-dir', dataDir, ...args],
    cwd: repoRoot,
    env: { ...(process.env as Record<string, string>) },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'locus-test', version: '1.0.0' });
  await client.connect(transport);
  onCleanup(() => client.close());
  return { client, stderr: () => stderr, pid: () => transport.pid };
}

/** The SDK's client over Streamable HTTP at the loopback host's /mcp. */
export async function httpMcpClient(url: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'locus-test', version: '1.0.0' });
  await client.connect(transport);
  onCleanup(() => client.close());
  return client;
}

export const MCP_TOOLS = [
  'add_memory',
  'edit_core_memory',
  'list_agents',
  'read_core_memory',
  'search_conversations',
  'search_memory',
];

export async function toolText(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as {
    content: Array<{ type: string; text?: string }>;
    isError?: boolean;
  };
  const text = result.content.map((c) => c.text ?? '').join('\n');
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return text;
}

/**
 * Lists and calls every tool and reads a block resource, asserting what a
 * user of the client would see. `marker` keeps runs on one folder apart.
 */
export async function exerciseEveryTool(client: Client, marker: string): Promise<void> {
  const tools = await client.listTools();
  expect(tools.tools.map((t) => t.name).sort()).toEqual(MCP_TOOLS);

  expect(await toolText(client, 'list_agents')).toMatch(/- Locus \(agent-[^)]+\) \[default\]/);

  const added = await toolText(client, 'add_memory', {
    text: `The ${marker} spare key is under the blue flowerpot`,
    tags: ['home'],
  });
  expect(added).toMatch(/Saved to Locus's archival memory \(passage-.*\), tagged note, home\./);

  const found = await toolText(client, 'search_memory', { query: `${marker} spare key` });
  expect(found).toMatch(
    new RegExp(
      `Archival memory:\\n- \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC(?:[+-]\\d\\d:\\d\\d)?\\) \\[note, home\\] The ${marker} spare key`,
    ),
  );
  const outOfRange = await toolText(client, 'search_memory', {
    query: `${marker} spare key`,
    end: '2001-01-01',
  });
  expect(outOfRange).toContain('Archival memory: nothing matched.');

  await toolText(client, 'edit_core_memory', { label: 'human', append: `Likes ${marker}` });
  await toolText(client, 'edit_core_memory', {
    label: 'human',
    old_text: `Likes ${marker}`,
    new_text: `Loves ${marker}`,
  });
  const human = await toolText(client, 'read_core_memory', { label: 'human' });
  expect(human).toContain(`Loves ${marker}`);
  expect(human).not.toContain(`Likes ${marker}`);
  const refused = (await client.callTool({
    name: 'edit_core_memory',
    arguments: { label: 'human', value: 'x', append: 'y' },
  })) as { isError?: boolean; content: Array<{ text: string }> };
  expect(refused.isError).toBe(true);
  expect(refused.content[0]?.text).toContain('exactly one of');

  const resources = await client.listResources();
  const uri = resources.resources.find((r) => r.name === 'Locus: human')?.uri;
  expect(uri).toMatch(/^locus:\/\/agents\/agent-.*\/blocks\/human$/);
  const read = await client.readResource({ uri: uri ?? '' });
  expect((read.contents[0] as { text: string }).text).toContain(`Loves ${marker}`);

  // Conversations: whatever was said before (the callers chat first), by date.
  const talk = await toolText(client, 'search_conversations', { query: 'name' });
  expect(talk).toMatch(/- \(\d{4}-\d\d-\d\d \d\d:\d\d UTC(?:[+-]\d\d:\d\d)?\) (user|assistant): /);
}

/** The SDK's client on Locus's MCP server over an in-memory pair, in this process. */
export async function inMemoryMcpClient(handlers: Handlers): Promise<Client> {
  const server = createLocusMcpServer({ handlers });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'locus-test', version: '1.0.0' });
  await client.connect(clientSide);
  onCleanup(() => client.close());
  return client;
}
