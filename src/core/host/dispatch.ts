import { contract, type CallName, type CallResult, type Handlers } from '../../shared/contract';
import { LocusError, serializeError } from '../../shared/errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth';
import { storable } from '../text';
import { stableError } from './stable-error';

/** Whether a string names a call in the contract (transports receive untrusted names). */
export function isCallName(name: string): name is CallName {
  return Object.hasOwn(contract, name);
}

/**
 * The single entry for every transport: validate the input against the
 * contract, run the handler, and turn any failure into a stable error shape.
 */
export async function dispatch(
  handlers: Handlers,
  name: string,
  input: unknown,
): Promise<CallResult<CallName>> {
  try {
    if (!isCallName(name)) {
      throw new LocusError(
        'UNKNOWN_CALL',
        `"${name}" is not a Locus call. Update the app if this persists.`,
        {
          name,
        },
      );
    }
    // Refused before anything walks it recursively (a stack overflow was INTERNAL).
    if (nestsDeeperThan(input, MAX_JSON_DEPTH)) {
      throw new LocusError(
        'INVALID_INPUT',
        `The input for ${name} nests more than ${MAX_JSON_DEPTH} levels deep; no Locus call takes that. Send a flatter value.`,
        { call: name },
      );
    }
    // Every host's input passes here, made storable (NUL, half an emoji).
    const parsed = contract[name].safeParse(storable(input ?? {}));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      const where = issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ');
      throw new LocusError('INVALID_INPUT', `Invalid input for ${name}: ${where}.`, {
        call: name,
        issues,
      });
    }
    const handler = handlers[name] as (value: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value } as CallResult<CallName>;
  } catch (error) {
    return { ok: false, error: serializeError(stableError(error)) };
  }
}
