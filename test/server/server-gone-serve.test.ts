import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type PostgresCluster } from '../../scripts/postgres/cluster';
import { runCli } from '../helpers/run-cli';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/test-core';
import { testServer } from '../helpers/test-backend';

// A cluster of its own: this test stops its server, which would break every
// other test sharing the suite's cluster.
let cluster: PostgresCluster;
beforeAll(async () => {
  const { bin, major } = testServer();
  cluster = await startCluster({ install: { bin, major } });
  cluster.psql('postgres', 'CREATE DATABASE locus');
});
afterAll(() => cluster?.destroy());

describe('locus serve while its database server is down', () => {
  it('tells API clients and other commands that the server is gone, not that the key is wrong or the folder taken', async () => {
    const dataDir = tempDir();
    const env = { LOCUS_DATABASE_URL: cluster.url('locus') };
    const serve = await startServe(dataDir, ['--openai'], env);
    const status = await runCli(['status', '--data-dir', dataDir, '--embedder', 'fake'], { env });
    expect(status.code).toBe(0);
    const key = /locus-[\w-]+/.exec(
      (await runCli(['api', '--data-dir', dataDir, '--embedder', 'fake'], { env })).stdout,
    )?.[0];
    expect(key).toBeDefined();

    cluster.stop('fast');
    try {
      const chat = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'Locus', messages: [{ role: 'user', content: 'hello' }] }),
      });
      const body = (await chat.json()) as { error: { code: string; message: string } };
      expect(chat.status).toBe(503);
      expect(body.error.code).toBe('database_connection_lost');
      expect(body.error.message).toMatch(/check that the server is running/i);

      const add = await runCli(
        ['memory', 'add', 'a note', '--data-dir', dataDir, '--embedder', 'fake'],
        { env },
      );
      expect(add.code).toBe(1);
      expect(add.stderr).toContain('DATABASE_CONNECTION_LOST');
      expect(add.stderr).not.toContain('DATA_DIR_LOCKED');
    } finally {
      cluster.start();
    }
    const again = await runCli(
      ['memory', 'add', 'a note', '--data-dir', dataDir, '--embedder', 'fake'],
      { env },
    );
    expect(again.code).toBe(0);
    expect(await serve.stop()).toBe(0);
  });
});
