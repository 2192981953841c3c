import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../../scripts/postgres/cluster';
import { openDatabase } from '../../src/core/storage/open-database';
import { adminQuery, createServerDatabase, testServer } from '../helpers/test-backend';
import { onCleanup } from '../helpers/test-core';

/** A role that is not a superuser, as a household member's account would be. */
async function userRole(): Promise<{ user: string; password: string }> {
  const user = `member_${Math.random().toString(36).slice(2, 8)}`;
  const password = 'member-secret';
  await adminQuery('postgres', `CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
  onCleanup(() => adminQuery('postgres', `DROP ROLE IF EXISTS ${user}`).then(() => undefined));
  return { user, password };
}

describe('connecting to a PostgreSQL server', () => {
  it('names a server nobody listens on DATABASE_UNREACHABLE, with host and port', async () => {
    const port = await freePort();
    await expect(
      openDatabase({ url: `postgres://locus:x@127.0.0.1:${port}/locus` }),
    ).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it('names a wrong password DATABASE_AUTH_FAILED without showing the password', async () => {
    const server = testServer();
    const error = await openDatabase({
      url: server.url('postgres', { user: server.user, password: 'not-the-password' }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_AUTH_FAILED' });
    expect((error as Error).message).not.toContain('not-the-password');
    expect((error as Error).message).toContain('***');
  });

  it('names a server that wants a password, when none was given, DATABASE_AUTH_FAILED and says where to put it', async () => {
    // The README's advice: the password in ~/.pgpass or PGPASSWORD, not in the URL.
    // Forgetting both gave node-postgres's own "SASL: SCRAM-SERVER-FIRST-MESSAGE:
    // client password must be a string" as DATABASE_OPEN_FAILED.
    const server = testServer();
    vi.stubEnv('PGPASSWORD', undefined);
    vi.stubEnv('PGPASSFILE', '/nonexistent/locus-test.pgpass');
    onCleanup(() => {
      vi.unstubAllEnvs();
    });
    const error = await openDatabase({
      url: `postgres://${encodeURIComponent(server.user)}@127.0.0.1:${server.port}/postgres`,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_AUTH_FAILED' });
    expect((error as Error).message).toMatch(/asks for a password/);
    expect((error as Error).message).toContain('~/.pgpass');
    expect((error as Error).message).toContain('PGPASSWORD');
    expect((error as Error).message).not.toMatch(/SASL|must be a string/);
  });

  it('names a missing database DATABASE_NOT_FOUND, saying how to create it', async () => {
    await expect(openDatabase({ url: testServer().url('no_such_db') })).rejects.toMatchObject({
      code: 'DATABASE_NOT_FOUND',
      message: expect.stringContaining('createdb'),
    });
  });

  it('names a malformed address DATABASE_URL_INVALID before connecting', async () => {
    await expect(openDatabase({ url: 'mysql://somewhere/db' })).rejects.toMatchObject({
      code: 'DATABASE_URL_INVALID',
    });
  });

  it('asks an administrator to enable pgvector when this role may not', async () => {
    const role = await userRole();
    const name = `plain_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery('postgres', `CREATE DATABASE ${name} OWNER ${role.user}`);
    onCleanup(async () => {
      await adminQuery('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    await expect(openDatabase({ url: testServer().url(name, role) })).rejects.toMatchObject({
      code: 'DATABASE_EXTENSION_MISSING',
      message: expect.stringContaining('CREATE EXTENSION vector'),
    });

    // Once enabled, the role owning the database runs Locus in it.
    await adminQuery(name, 'CREATE EXTENSION vector');
    const database = await openDatabase({ url: testServer().url(name, role) });
    onCleanup(() => database.close());
    expect(database.migration.alreadyApplied).toBe(0);
    expect(database.migration.applied.length).toBeGreaterThan(0);
  });

  it('names a role without access to the database DATABASE_PERMISSION_DENIED', async () => {
    const role = await userRole();
    const { name, drop } = await createServerDatabase();
    onCleanup(drop);
    await adminQuery('postgres', `REVOKE CONNECT ON DATABASE ${name} FROM PUBLIC`);
    await expect(openDatabase({ url: testServer().url(name, role) })).rejects.toMatchObject({
      code: 'DATABASE_PERMISSION_DENIED',
    });
  });
});
