import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOwnerHost } from '../../src/core/host/owner-host';
import { ownerFilePath } from '../../src/core/host/owner-file';
import { stdioMcpClient, toolText } from '../helpers/mcp-clients';
import { startServe } from '../helpers/serve-process';
import { repoRoot } from '../helpers/spawn-tsx';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

/** Every TCP socket a process is listening on, as "address:port", read from /proc (Linux). */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      const [local, , state] = [cols[1] ?? '', cols[2], cols[3]];
      if (state !== '0A' || !inodes.has(cols[9] ?? '')) continue; // 0A: LISTEN
      const [hex = '', port = ''] = local.split(':');
      found.push(`${decodeAddress(hex)}:${parseInt(port, 16)}`);
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    return (hex.match(/../g) ?? [])
      .map((b) => parseInt(b, 16))
      .reverse()
      .join('.');
  }
  return hex === '00000000000000000000000001000000' ? '::1' : `[${hex}]`;
}

const onLinux = process.platform === 'linux';

describe('no listener is ever bound beyond loopback', () => {
  it('only the loopback HTTP host calls listen(), and on 127.0.0.1', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name)) files.push(full);
      }
    };
    walk(path.join(repoRoot, 'src'));
    const listeners = files.filter((file) =>
      /\.listen\(|createServer\(/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(listeners.map((f) => path.relative(repoRoot, f))).toEqual([
      path.join('src', 'core', 'host', 'http-host.ts'),
    ]);
    const host = fs.readFileSync(listeners[0] ?? '', 'utf8');
    expect(host).toMatch(/server\.listen\(options\.port \?\? 0, '127\.0\.0\.1'/);
  });

  it('binds every API of the owner host (app, MCP, OpenAI, Letta) to 127.0.0.1', async () => {
    const bound: unknown[] = [];
    const original = net.Server.prototype.listen;
    net.Server.prototype.listen = function recordingListen(this: net.Server, ...args: unknown[]) {
      bound.push(args[1]);
      return (original as (...a: unknown[]) => net.Server).apply(this, args);
    } as typeof net.Server.prototype.listen;
    onCleanup(() => {
      net.Server.prototype.listen = original;
    });
    const core = await testCore();
    const host = await startOwnerHost({
      core,
      dataDir: tempDir(),
      kind: 'test',
      openaiApi: true,
      lettaApi: true,
    });
    onCleanup(() => host.close());
    expect(bound).toEqual(['127.0.0.1']);
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
  });

  it.skipIf(!onLinux)(
    'locus serve (every API on) and locus mcp listen on 127.0.0.1 only',
    async () => {
      const served = await startServe(tempDir(), ['--openai', '--letta']);
      const sockets = listeningSockets(served.child.pid ?? 0);
      expect(sockets).toHaveLength(1);
      expect(sockets[0]).toMatch(/^127\.0\.0\.1:\d+$/);

      // locus mcp opening a free folder serves it to other commands meanwhile.
      const dataDir = tempDir();
      const mcp = await stdioMcpClient(dataDir, ['--embedder', 'fake']);
      await toolText(mcp.client, 'list_agents');
      expect(fs.existsSync(ownerFilePath(dataDir))).toBe(true);
      const mcpSockets = listeningSockets(mcp.pid() ?? 0);
      expect(mcpSockets).toHaveLength(1);
      expect(mcpSockets[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    },
  );
});
