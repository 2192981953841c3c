import crypto from 'node:crypto';
import type pg from 'pg';
import type { CopyingSql, Db, PreparingSql, Results, Sql } from '../sql';
import { copyIn } from './server-copy';
import type { DatabaseTarget } from './database-url';
import { queryError } from './server-errors';
import { serializeParam } from './server-types';

const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

function toResults<T>(result: pg.QueryResult, affectedSoFar = 0): Results<T> {
  const affected = WRITE_COMMANDS.has(result.command) ? (result.rowCount ?? 0) : 0;
  return {
    rows: result.rows as T[],
    fields: (result.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    // PGlite counts a multi-statement exec's writes cumulatively; so do we.
    affectedRows: affectedSoFar + affected,
  };
}

function toResultList(result: pg.QueryResult | pg.QueryResult[]): Results[] {
  const list = Array.isArray(result) ? result : [result];
  let affected = 0;
  return list.map((r) => {
    const results = toResults<Record<string, unknown>>(r, affected);
    affected = results.affectedRows ?? 0;
    return results;
  });
}

/** Statement names are derived from the text, so every connection names a text alike. */
function statementName(text: string): string {
  return `locus_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

async function run<T>(
  target: DatabaseTarget,
  on: Queryable,
  config: pg.QueryConfig,
): Promise<Results<T>> {
  try {
    return toResults<T>(await on.query(config));
  } catch (error) {
    throw queryError(error, target);
  }
}

/** One checked-out connection inside a transaction. */
class TransactionSql implements CopyingSql {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly target: DatabaseTarget,
  ) {}

  query<T>(text: string, params: unknown[] = []): Promise<Results<T>> {
    return run<T>(this.target, this.client, { text, values: params.map(serializeParam) });
  }

  async exec(text: string): Promise<Results[]> {
    try {
      return toResultList(await this.client.query(text));
    } catch (error) {
      throw queryError(error, this.target);
    }
  }

  async copyFromStdin(statement: string, data: Uint8Array): Promise<number> {
    try {
      return await copyIn(this.client, statement, data);
    } catch (error) {
      throw queryError(error, this.target);
    }
  }
}

/**
 * The Db seam over a node-postgres pool. Unlike PGlite (one connection, so
 * every call waits its turn), statements outside a transaction may run side
 * by side on different connections; a transaction keeps one connection
 * until it ends.
 */
export class ServerDb implements Db, PreparingSql, CopyingSql {
  constructor(
    private readonly pool: pg.Pool,
    readonly target: DatabaseTarget,
  ) {}

  query<T>(text: string, params: unknown[] = []): Promise<Results<T>> {
    return run<T>(this.target, this.pool, { text, values: params.map(serializeParam) });
  }

  /**
   * Parsed and planned once per connection (node-postgres keeps named
   * statements per connection and prepares on first use), as PGlite's
   * queryPrepared does.
   */
  queryPrepared<T>(text: string, params: unknown[]): Promise<Results<T>> {
    return run<T>(this.target, this.pool, {
      name: statementName(text),
      text,
      values: params.map(serializeParam),
    });
  }

  async exec(text: string): Promise<Results[]> {
    try {
      return toResultList(await this.pool.query(text));
    } catch (error) {
      throw queryError(error, this.target);
    }
  }

  /** On one connection from the pool, as its own statement (its own transaction). */
  copyFromStdin(statement: string, data: Uint8Array): Promise<number> {
    return this.onConnection(
      (client) => copyIn(client, statement, data),
      // The server refusing the rows leaves the connection in step; anything
      // else (a broken socket) may not.
      async (error) =>
        typeof (error as { code?: unknown }).code === 'string'
          ? undefined
          : error instanceof Error
            ? error
            : new Error(String(error)),
    );
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.onConnection(
      async (client) => {
        await client.query('BEGIN');
        const result = await fn(new TransactionSql(client, this.target));
        await client.query('COMMIT');
        return result;
      },
      // A connection that could not roll back is out of step.
      (_error, client) =>
        client.query('ROLLBACK').then(
          () => undefined,
          (rollbackError: Error) => rollbackError,
        ),
    );
  }

  /**
   * Runs `work` on one pooled connection. When it fails, `outOfStep` says
   * why the connection can no longer be trusted (it is then closed, never
   * reused) or undefined to return it to the pool. The connection breaking
   * surfaces as the statement's error: as an event it would crash the process.
   */
  private async onConnection<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    outOfStep: (error: unknown, client: pg.PoolClient) => Promise<Error | undefined>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw queryError(error, this.target);
    }
    let broken: Error | undefined;
    const ignore = (): void => undefined;
    client.on('error', ignore);
    try {
      return await work(client);
    } catch (error) {
      broken = await outOfStep(error, client);
      throw queryError(error, this.target);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}
