import { PGlite, parse, protocol } from '@electric-sql/pglite';
import { canPrepare, type Results, type Sql } from './sql';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface Statement {
  name: string;
  /** Parameter type oids, as Postgres inferred them when the statement was parsed. */
  types: number[];
}

/** Distinct hot statements per connection; beyond this the oldest is deallocated. */
const MAX_STATEMENTS = 64;

const byConnection = new WeakMap<PGlite, Map<string, Statement>>();
let nextName = 0;

/**
 * Runs `text` as a named prepared statement, parsed and planned once per
 * connection instead of on every call. PGlite's query() always uses the
 * unnamed statement, so Postgres parses and plans it each time: for the
 * hybrid search's many CTEs that was ~4-6 ms of a ~15 ms full-text search
 * at 100k passages (bench/ scale suite). Postgres re-plans a prepared
 * statement by itself after schema changes (an index dropped or built).
 *
 * Only for statements run often with the same text. Inside a transaction
 * (`sql` is not the database itself) it falls back to an ordinary query. A
 * server backend prepares through its own driver (backends/server-db.ts).
 */
export async function queryPrepared<T>(
  sql: Sql,
  text: string,
  params: unknown[],
): Promise<Results<T>> {
  if (!(sql instanceof PGlite)) {
    return canPrepare(sql) ? sql.queryPrepared<T>(text, params) : sql.query<T>(text, params);
  }
  const pg = sql;
  // As query() does: refuses a closing or closed database with a clear error.
  await pg._checkReady();
  // The same locks query() takes, so this never runs inside someone else's transaction.
  return pg._runExclusiveTransaction(() =>
    pg._runExclusiveQuery(async () => {
      let statements = byConnection.get(pg);
      if (!statements) byConnection.set(pg, (statements = new Map()));
      const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });
      const messages: BackendMessage[] = [];
      let generic = false;
      try {
        let statement = statements.get(text);
        if (statement) {
          // Most recently used last, so eviction takes the least used.
          statements.delete(text);
        } else {
          if (statements.size >= MAX_STATEMENTS) {
            const [oldestText, oldest] = statements.entries().next().value as [string, Statement];
            statements.delete(oldestText);
            await send(protocol.serialize.close({ type: 'S', name: oldest.name }));
          }
          const name = `locus_${nextName++}`;
          await send(protocol.serialize.parse({ name, text }));
          const types = parse.parseDescribeStatementResults(
            await send(protocol.serialize.describe({ type: 'S', name })),
          );
          statement = { name, types };
        }
        statements.set(text, statement);
        const { types } = statement;
        const values = params.map((value, i) => {
          if (value === null || value === undefined) return null;
          const serializer = pg.serializers[types[i] as number];
          return serializer ? serializer(value) : String(value);
        });
        // Planned once, generically: with the default plan_cache_mode Postgres
        // kept custom-planning the hybrid search (its generic plan's estimate
        // looked dearer), paying ~3 ms a call for the same plan. Set per call,
        // as unnamed statements must keep their custom plans.
        await send(protocol.serialize.query('SET plan_cache_mode = force_generic_plan'));
        generic = true;
        messages.push(
          ...(await send(protocol.serialize.bind({ statement: statement.name, values }))),
          ...(await send(protocol.serialize.describe({ type: 'P' }))),
          ...(await send(protocol.serialize.execute({}))),
        );
      } catch (error) {
        // A statement whose parse failed was never stored; one that failed
        // later stays prepared and valid.
        if (!(error instanceof Error)) throw error;
        throw Object.assign(error, { query: text, params });
      } finally {
        messages.push(...(await send(protocol.serialize.sync())));
        if (generic) await send(protocol.serialize.query('RESET plan_cache_mode'));
      }
      return parse.parseResults(messages, pg.parsers)[0] as unknown as Results<T>;
    }),
  );
}
