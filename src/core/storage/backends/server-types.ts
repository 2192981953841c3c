/**
 * How values travel to and from a PostgreSQL server, made to match PGlite
 * exactly (see sql.ts): repositories and tests must not be able to tell the
 * backends apart. node-postgres differs by default in several places (int8
 * and int8[] as strings, bytea as Buffer, dates sent in local time).
 */

type Parser = (text: string) => unknown;

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  jsonb: 3802,
} as const;

function parseBigint(text: string): number | bigint {
  const n = BigInt(text);
  return n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n);
}

function parseBytea(text: string): Uint8Array {
  // Hex output (bytea_output's default since PostgreSQL 9.0): \x0102...
  return Uint8Array.from(Buffer.from(text.slice(2), 'hex'));
}

const SCALAR: ReadonlyMap<number, Parser> = new Map<number, Parser>([
  [OID.bool, (x) => x === 't'],
  [OID.bytea, parseBytea],
  [OID.int8, parseBigint],
  [OID.int2, (x) => +x],
  [OID.int4, (x) => +x],
  [OID.oid, (x) => +x],
  [OID.float4, (x) => +x],
  [OID.float8, (x) => +x],
  [OID.json, (x) => JSON.parse(x) as unknown],
  [OID.jsonb, (x) => JSON.parse(x) as unknown],
  [OID.date, (x) => new Date(x)],
  [OID.timestamp, (x) => new Date(x)],
  [OID.timestamptz, (x) => new Date(x)],
]);

const identity: Parser = (x) => x;

/**
 * Parses PostgreSQL's text form of an array (`{a,"b c",NULL,{1,2}}`) with
 * `element` for each item. The box type's `;` delimiter never occurs in
 * Locus's schema, so only `,` is handled.
 */
export function parseArrayText(text: string, element: Parser): unknown[] {
  let i = 0;
  // A leading dimension decoration ("[0:1]={...}") is skipped.
  if (text[0] === '[') i = text.indexOf('=') + 1;
  const parseLevel = (): unknown[] => {
    const items: unknown[] = [];
    i++; // past '{'
    while (i < text.length) {
      const c = text[i];
      if (c === '}') {
        i++;
        return items;
      }
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '{') {
        items.push(parseLevel());
        continue;
      }
      if (c === '"') {
        let value = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i];
          i++;
        }
        i++; // past the closing quote
        items.push(element(value));
        continue;
      }
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      const raw = text.slice(i, end);
      items.push(raw === 'NULL' ? null : element(raw));
      i = end;
    }
    return items;
  };
  return parseLevel();
}

/**
 * The type parsers for one server: its array types (their oids differ per
 * server for extension types) map to their element's parser, as PGlite does.
 */
export function serverTypeParsers(arrayTypes: ReadonlyArray<{ array: number; element: number }>) {
  const arrays = new Map<number, Parser>();
  for (const { array, element } of arrayTypes) {
    const parse = SCALAR.get(element) ?? identity;
    arrays.set(array, (text) => parseArrayText(text, parse));
  }
  return {
    getTypeParser(oid: number, format?: string): Parser {
      if (format === 'binary') return identity;
      return SCALAR.get(oid) ?? arrays.get(oid) ?? identity;
    },
  };
}

/**
 * A parameter as PGlite would send it: instants in UTC ISO form (node-postgres
 * sends local time, which a `timestamp` column would keep as wall time),
 * bigints as decimal text, byte arrays as bytea. Arrays and objects are left
 * to node-postgres, which writes array literals and JSON as PGlite does.
 */
export function serializeParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) return value.map(serializeParam);
  return value;
}
