import pg from 'pg';

/** node-postgres's connection, as much of it as COPY ... FROM STDIN needs. */
interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Sent in slices so one message never holds a whole bulk load. */
const CHUNK_BYTES = 1 << 16;

/**
 * A query that answers the server's CopyInResponse with `data`. node-postgres
 * runs COPY ... FROM STDIN through any Query whose handleCopyInResponse
 * sends the rows (its own refuses: "No source stream defined"); results,
 * errors and the connection's queue are handled as for any other query.
 */
class CopyInQuery extends pg.Query {
  constructor(
    text: string,
    private readonly data: Uint8Array,
    callback: (error: Error | undefined, result: { rowCount: number | null }) => void,
  ) {
    super({ text }, callback);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const bytes = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      connection.sendCopyFromChunk(bytes.subarray(at, at + CHUNK_BYTES));
    }
    connection.endCopyFrom();
  }
}

/** Runs `statement` (a COPY ... FROM STDIN) on `client` with `data` as its input; returns rows written. */
export function copyIn(
  client: pg.ClientBase,
  statement: string,
  data: Uint8Array,
): Promise<number> {
  return new Promise((resolve, reject) => {
    client.query(
      new CopyInQuery(statement, data, (error, result) =>
        error ? reject(error) : resolve(result.rowCount ?? 0),
      ),
    );
  });
}
