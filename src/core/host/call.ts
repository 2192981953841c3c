import type { CallInput, CallName, CallOutput, Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { dispatch } from './dispatch';

/** Calls through dispatch (validation included) and throws a LocusError on failure. */
export async function call<K extends CallName>(
  handlers: Handlers,
  name: K,
  input: CallInput<K>,
): Promise<CallOutput<K>> {
  const result = await dispatch(handlers, name, input);
  if (!result.ok)
    throw new LocusError(result.error.code, result.error.message, result.error.details);
  return result.value as CallOutput<K>;
}
