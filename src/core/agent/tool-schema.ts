import { z } from 'zod';

/**
 * Tool parameters are declared once and turned into both the JSON schema the
 * grammar is built from and the zod validator the arguments are checked with.
 * Only what GBNF grammars support is expressible (flat, all keys present;
 * optional values are written as null).
 */
export type Param =
  | { type: 'string'; description: string; optional?: boolean; maxLength?: number }
  | { type: 'integer'; description: string; optional?: boolean; min?: number; max?: number }
  | { type: 'boolean'; description: string; optional?: boolean }
  | { type: 'enum'; values: readonly string[]; description: string; optional?: boolean }
  | { type: 'strings'; description: string; optional?: boolean; maxItems?: number };

export type Params = Record<string, Param>;

type ParamValue<P extends Param> = P extends { type: 'string' }
  ? string
  : P extends { type: 'integer' }
    ? number
    : P extends { type: 'boolean' }
      ? boolean
      : P extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : P extends { type: 'strings' }
          ? string[]
          : never;

export type ParamValues<P extends Params> = {
  [K in keyof P]: P[K] extends { optional: true } ? ParamValue<P[K]> | undefined : ParamValue<P[K]>;
};

function jsonType(param: Param): Record<string, unknown> {
  const base = (() => {
    switch (param.type) {
      case 'string':
        return { type: 'string' };
      case 'integer':
        return { type: 'integer' };
      case 'boolean':
        return { type: 'boolean' };
      case 'enum':
        return { enum: [...param.values] };
      case 'strings':
        return { type: 'array', items: { type: 'string' } };
    }
  })();
  if (!param.optional) return { ...base, description: param.description };
  return { oneOf: [base, { type: 'null' }], description: param.description };
}

/** The GBNF-compatible JSON schema of an arguments object. */
export function paramsJsonSchema(params: Params): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(params).map(([key, p]) => [key, jsonType(p)])),
  };
}

function zodType(param: Param): z.ZodType {
  let schema: z.ZodType;
  switch (param.type) {
    case 'string':
      schema = param.maxLength ? z.string().max(param.maxLength) : z.string();
      break;
    case 'integer': {
      let n = z.number().int();
      if (param.min !== undefined) n = n.min(param.min);
      if (param.max !== undefined) n = n.max(param.max);
      schema = n;
      break;
    }
    case 'boolean':
      schema = z.boolean();
      break;
    case 'enum':
      schema = z.enum(param.values as [string, ...string[]]);
      break;
    case 'strings':
      schema = z.array(z.string()).max(param.maxItems ?? 50);
      break;
  }
  // The grammar writes null for "not given"; treat null and missing alike.
  return param.optional ? schema.nullish().transform((v) => v ?? undefined) : schema;
}

export function paramsValidator<P extends Params>(params: P): z.ZodType<ParamValues<P>> {
  return z.object(
    Object.fromEntries(Object.entries(params).map(([k, p]) => [k, zodType(p)])),
  ) as unknown as z.ZodType<ParamValues<P>>;
}
