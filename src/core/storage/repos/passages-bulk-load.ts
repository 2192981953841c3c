import type { Passage } from '../../../shared/entities';
import { PGlite } from '@electric-sql/pglite';
import { copyInBinary } from '../copy-in';
import { WAL_CHECKPOINT_BYTES } from '../pglite-settings';
import type { Sql } from '../sql';
import { createMaintenanceRepo } from './maintenance-repo';

/**
 * Bulk writes of passages: one binary COPY. A multi-row INSERT makes
 * Postgres parse every vector from text, which in WebAssembly is most of the
 * cost (~1.5k rows/s); binary COPY sends the bytes as stored. Both backends
 * take the same bytes (copy-in.ts: a blob on PGlite, FROM STDIN on a server).
 */
export async function bulkLoadPassages(
  sql: Sql,
  rows: ReadonlyArray<{ passage: Passage; embedding: Float32Array | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  const maintenance = createMaintenanceRepo(sql);
  // The word index takes the rows into its pending list, merged once the
  // bulk loads pause (auto-analyze.ts): an interrupted load leaves a correct
  // index whose list is merged at the next pause or open.
  const pglite = sql instanceof PGlite;
  let firstBlock = 0;
  if (pglite) firstBlock = (await maintenance.prepareBulkLoad('passages')).blocks;
  else await maintenance.openWordIndexPendingList();
  await copyInBinary(
    sql,
    'passages (id, agent_id, text, tags, source_kind, source_ref, created_at, embedding)',
    encodePassages(rows),
  );
  // A server sets its rows' hint bits in autovacuum; PGlite has none, and
  // PGlite never checkpoints by itself (CHECKPOINT needs a superuser on a server).
  if (pglite) {
    await maintenance.settleBulkLoad('passages', Math.max(0, firstBlock - 1), WAL_CHECKPOINT_BYTES);
  }
}

const utf8 = new TextEncoder();
const TEXT_OID = 25;
/** "PGCOPY\n\377\r\n\0": the binary COPY signature. */
const SIGNATURE = new Uint8Array([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00,
]);
/** Postgres timestamps count microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** A growing byte buffer for Postgres's binary COPY format (big-endian throughout). */
class CopyWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  /** `capacity`: the expected size, so a batch's buffer is not grown and copied again and again. */
  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(1 << 16, capacity));
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }
  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
  /** `value` as UTF-8 after its length, encoded in place (no array per string). */
  utf8(value: string): void {
    this.reserve(4 + 3 * value.length);
    const { written } = utf8.encodeInto(value, this.buffer.subarray(this.length + 4));
    this.view.setInt32(this.length, written);
    this.length += 4 + written;
  }
  int16(value: number): void {
    this.reserve(2);
    this.view.setInt16(this.length, value);
    this.length += 2;
  }
  /** All of `values`, room reserved once: a check per float was most of encoding a vector. */
  float32s(values: Float32Array): void {
    this.reserve(4 * values.length);
    const view = this.view;
    let at = this.length;
    for (let i = 0; i < values.length; i++) {
      view.setFloat32(at, values[i] as number);
      at += 4;
    }
    this.length = at;
  }
  int32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
  }
  int64(value: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, value);
    this.length += 8;
  }
  result(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function text(writer: CopyWriter, value: string | null): void {
  if (value === null) writer.int32(-1);
  else writer.utf8(value);
}

function textArray(writer: CopyWriter, values: readonly string[]): void {
  const items = values.map((v) => utf8.encode(v));
  const header = values.length === 0 ? 12 : 20;
  writer.int32(header + items.reduce((n, item) => n + 4 + item.length, 0));
  writer.int32(values.length === 0 ? 0 : 1); // dimensions
  writer.int32(0); // no nulls
  writer.int32(TEXT_OID);
  if (values.length === 0) return;
  writer.int32(values.length);
  writer.int32(1); // lower bound
  for (const item of items) {
    writer.int32(item.length);
    writer.bytes(item);
  }
}

function timestamp(writer: CopyWriter, iso: string): void {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not a timestamp: ${iso}`);
  writer.int32(8);
  writer.int64(BigInt(ms - PG_EPOCH_MS) * 1000n);
}

/** pgvector's vector receive format: dimensions, a reserved int16, then big-endian float4s. */
function vector(writer: CopyWriter, values: Float32Array | null): void {
  if (values === null) {
    writer.int32(-1);
    return;
  }
  writer.int32(4 + 4 * values.length);
  writer.int16(values.length);
  writer.int16(0);
  writer.float32s(values);
}

function encodePassages(
  rows: ReadonlyArray<{ passage: Passage; embedding: Float32Array | null }>,
): Uint8Array {
  const dimensions = rows.find((row) => row.embedding)?.embedding?.length ?? 0;
  const writer = new CopyWriter(rows.length * (4 * dimensions + 512));
  writer.bytes(SIGNATURE);
  writer.int32(0); // flags
  writer.int32(0); // header extension
  for (const { passage, embedding } of rows) {
    writer.int16(8);
    text(writer, passage.id);
    text(writer, passage.agentId);
    text(writer, passage.text);
    textArray(writer, passage.tags);
    text(writer, passage.source.kind);
    text(writer, passage.source.ref);
    timestamp(writer, passage.createdAt);
    vector(writer, embedding);
  }
  writer.int16(-1);
  return writer.result();
}
