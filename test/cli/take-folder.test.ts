import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerFilePath } from '../../src/core/host/owner-file';
import { openAppCoreTakingOver } from '../../src/core/host/take-folder';
import { spawnTsx, waitForOutput } from '../helpers/spawn-tsx';
import { onCleanup, tempDir } from '../helpers/test-core';

describe('taking the data folder from a borrower (the app or locus serve starting)', () => {
  it('waits for a borrower that is still opening to publish, asks it to let go, then opens', async () => {
    const dataDir = tempDir();
    // A second process holds the folder and has not published its host yet.
    const holder = spawnTsx('test/helpers/hold-data-dir.ts', [dataDir]);
    onCleanup(() => void holder.kill('SIGKILL'));
    await waitForOutput(holder, 'ready');

    const token = 'hand-over-token-'.padEnd(32, 'x');
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, value: { handingOver: true } }));
      holder.stdin.write('let go\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const taking = openAppCoreTakingOver({ dataDir, embedder: 'fake', publishWaitMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.writeFileSync(
      ownerFilePath(dataDir),
      JSON.stringify({
        version: 1,
        pid: holder.pid,
        hostname: os.hostname(),
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        token,
        kind: 'locus mcp',
        startedAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );

    const { core } = await taking;
    onCleanup(() => core.dispose());
    expect(asked).toEqual([`POST /api/owner/hand-over Bearer ${token}`]);
    // The same database, with what the borrower wrote.
    const held = await core.database.pg.query<{ value: unknown }>(
      "SELECT value FROM settings WHERE key = 'held-by'",
    );
    expect(held.rows[0]?.value).toBe(holder.pid);
  });
});
