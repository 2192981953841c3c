/** Bits set in a 32-bit word (SWAR; ~20% faster here than two lookups in a 64k table). */
function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Locus's own ids (ids.ts: a prefix and a UUID) are kept as a tag byte and
 * the UUID's 16 bytes instead of 44 characters (~3 MB at 100k passages);
 * any other id as a zero byte and its UTF-8.
 */
const PREFIXES = ['passage-', 'message-'] as const;
const UUID_ID =
  /^(passage|message)-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

function encodeId(id: string): Uint8Array {
  const match = UUID_ID.exec(id);
  if (!match) {
    const text = Buffer.from(id, 'utf8');
    const bytes = new Uint8Array(text.length + 1);
    bytes.set(text, 1);
    return bytes;
  }
  const bytes = new Uint8Array(17);
  bytes[0] = match[1] === 'passage' ? 1 : 2;
  bytes.set(Buffer.from(match.slice(2).join(''), 'hex'), 1);
  return bytes;
}

function decodeId(bytes: Uint8Array): string {
  const tag = bytes[0] as number;
  if (tag === 0)
    return Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1).toString('utf8');
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + 1, 16).toString('hex');
  return `${PREFIXES[tag - 1] as string}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const DEAD = -1;
const EMPTY = 0;
const NO_DISTANCE = 0xffff;

/** FNV-1a over an id's bytes: ids only need spreading over the hash table. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A vector's signs packed as the database packs them (pgvector's
 * binary_quantize sends bit i of a vector as bit 7 - i % 8 of byte i / 8,
 * set when the component is above zero), padded to whole 32-bit words.
 */
export function packSigns(vector: Float32Array, words: number): Uint32Array {
  const bytes = new Uint8Array(words * 4);
  for (let i = 0; i < vector.length; i++) {
    if ((vector[i] as number) > 0) {
      const byte = i >> 3;
      bytes[byte] = (bytes[byte] as number) | (0x80 >> (i & 7));
    }
  }
  return new Uint32Array(bytes.buffer);
}

/** Words a row of `bytes` sign bytes takes. */
export function wordsFor(bytes: number): number {
  return Math.ceil(bytes / 4);
}

/**
 * The signs of one table's embedded rows, with their ids and agents, in
 * typed arrays: 64 bytes of signs, the id's 17 bytes and ~20 bytes of
 * bookkeeping a row (~11 MB at 100k passages, where JS strings and a Map
 * would take about as much again and give the collector 200k objects).
 * Rows are only appended; a row written again (re-embedded, or its
 * embedding cleared) leaves a dead slot behind, found through the id's hash.
 */
export class SignTable {
  readonly words: number;
  private count = 0;
  private live = 0;
  private dead = 0;
  private signs: Uint32Array;
  /** Index into agentNames, or DEAD. */
  private agents: Int32Array;
  private idBytes: Uint8Array;
  private idEnds: Uint32Array;
  private idLength = 0;
  /** Open addressing: slot + 1 of an id's newest row, EMPTY where none. */
  private hash: Int32Array;
  private readonly agentIndex = new Map<string, number>();
  private readonly agentLive: number[] = [];
  private distances = new Uint16Array(0);

  constructor(signBytes: number, capacity = 1024) {
    this.words = wordsFor(signBytes);
    const size = Math.max(16, capacity);
    this.signs = new Uint32Array(size * this.words);
    this.agents = new Int32Array(size);
    this.idEnds = new Uint32Array(size);
    this.idBytes = new Uint8Array(size * 17);
    this.hash = new Int32Array(tableSizeFor(size));
  }

  /** Rows holding signs now. */
  get size(): number {
    return this.live;
  }

  /** Slots left behind by rows written again; a caller may rebuild when they dominate. */
  get deadSlots(): number {
    return this.dead;
  }

  /** Stores (or replaces) the signs of `id`; `signs` null drops the row (its embedding was cleared). */
  set(id: string, agentId: string, signs: Uint8Array | null): void {
    const encoded = encodeId(id);
    const found = this.lookup(encoded);
    if (found.slot >= 0) this.kill(found.slot);
    if (signs === null) return;
    if (wordsFor(signs.length) !== this.words) {
      throw new RangeError(`signs of ${signs.length} bytes in a table of ${this.words} words`);
    }
    const slot = this.append(encoded, agentId, signs);
    // The hash table may have grown (and moved) while appending.
    const at = found.slot >= 0 ? this.lookup(encoded).at : this.probe(encoded);
    this.hash[at] = slot + 1;
  }

  /**
   * The `n` rows of `agentId` nearest `query` by Hamming distance (ties in
   * the order rows were stored), and whether they are all of its rows.
   */
  nearest(agentId: string, query: Uint32Array, n: number): { ids: string[]; exhaustive: boolean } {
    const agent = this.agentIndex.get(agentId);
    if (agent === undefined || n <= 0) return { ids: [], exhaustive: true };
    const rows = this.agentLive[agent] as number;
    const count = this.count;
    if (this.distances.length < count)
      this.distances = new Uint16Array(this.signs.length / this.words);
    const distances = this.distances;
    const histogram = new Int32Array(this.words * 32 + 1);
    const { signs, agents, words } = this;
    for (let slot = 0; slot < count; slot++) {
      if (agents[slot] !== agent) {
        distances[slot] = NO_DISTANCE;
        continue;
      }
      let distance = 0;
      const base = slot * words;
      for (let w = 0; w < words; w++) {
        distance += popcount((signs[base + w] as number) ^ (query[w] as number));
      }
      distances[slot] = distance;
      histogram[distance] = (histogram[distance] as number) + 1;
    }
    const want = Math.min(n, rows);
    // Counting sort's threshold: every row nearer than it is taken, and rows at it until n.
    let threshold = 0;
    let below = 0;
    while (threshold < histogram.length && below + (histogram[threshold] as number) < want) {
      below += histogram[threshold] as number;
      threshold++;
    }
    let atThreshold = want - below;
    const ids: string[] = [];
    for (let slot = 0; slot < count && ids.length < want; slot++) {
      const distance = distances[slot] as number;
      if (distance < threshold) ids.push(this.idOf(slot));
      else if (distance === threshold && atThreshold > 0) {
        atThreshold--;
        ids.push(this.idOf(slot));
      }
    }
    return { ids, exhaustive: rows <= n };
  }

  private idOf(slot: number): string {
    return decodeId(this.bytesOf(slot));
  }

  private kill(slot: number): void {
    const agent = this.agents[slot] as number;
    if (agent === DEAD) return;
    this.agents[slot] = DEAD;
    this.agentLive[agent] = (this.agentLive[agent] as number) - 1;
    this.live--;
    this.dead++;
  }

  private append(id: Uint8Array, agentId: string, signs: Uint8Array): number {
    if (this.count === this.agents.length) this.growRows();
    while (this.idLength + id.length > this.idBytes.length) {
      this.idBytes = grown(this.idBytes, this.idBytes.length * 2);
    }
    const slot = this.count++;
    this.idBytes.set(id, this.idLength);
    this.idLength += id.length;
    this.idEnds[slot] = this.idLength;
    new Uint8Array(this.signs.buffer, slot * this.words * 4, this.words * 4).set(signs);
    let agent = this.agentIndex.get(agentId);
    if (agent === undefined) {
      agent = this.agentLive.length;
      this.agentIndex.set(agentId, agent);
      this.agentLive.push(0);
    }
    this.agents[slot] = agent;
    this.agentLive[agent] = (this.agentLive[agent] as number) + 1;
    this.live++;
    return slot;
  }

  private growRows(): void {
    const size = this.agents.length * 2;
    this.signs = grown(this.signs, size * this.words);
    this.agents = grown(this.agents, size);
    this.idEnds = grown(this.idEnds, size);
    this.hash = new Int32Array(tableSizeFor(size));
    // Only each id's newest slot goes back in: dead slots keep no entry.
    for (let slot = 0; slot < this.count; slot++) {
      if (this.agents[slot] === DEAD) continue;
      this.hash[this.probe(this.bytesOf(slot))] = slot + 1;
    }
  }

  private bytesOf(slot: number): Uint8Array {
    const start = slot === 0 ? 0 : (this.idEnds[slot - 1] as number);
    return this.idBytes.subarray(start, this.idEnds[slot]);
  }

  /** The first free position of `id`'s probe sequence (the id must not be present). */
  private probe(id: Uint8Array): number {
    const mask = this.hash.length - 1;
    let at = hashBytes(id, 0, id.length) & mask;
    while (this.hash[at] !== EMPTY) at = (at + 1) & mask;
    return at;
  }

  /** Where `id`'s entry is, and its newest slot, dead or alive (-1 when it has none). */
  private lookup(id: Uint8Array): { at: number; slot: number } {
    const mask = this.hash.length - 1;
    let at = hashBytes(id, 0, id.length) & mask;
    for (;;) {
      const entry = this.hash[at] as number;
      if (entry === EMPTY) return { at, slot: -1 };
      if (sameBytes(this.bytesOf(entry - 1), id)) return { at, slot: entry - 1 };
      at = (at + 1) & mask;
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A power of two at least twice `rows`, so probes stay short. */
function tableSizeFor(rows: number): number {
  let size = 32;
  while (size < rows * 2) size *= 2;
  return size;
}

function grown<T extends Uint8Array | Uint32Array | Int32Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
