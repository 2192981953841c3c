import type { CallName, CallResult, EventName, ServerEvents } from './contract';

/**
 * What the preload exposes as `window.locus`: one generic call and one event
 * subscription, never a function per feature. Names and inputs are checked
 * against the contract in the core, not trusted from here.
 */
export interface LocusBridge {
  call(name: CallName, input: unknown): Promise<CallResult<CallName>>;
  on<E extends EventName>(name: E, listener: (payload: ServerEvents[E]) => void): () => void;
}

export const IPC_CALL_CHANNEL = 'locus:call';
export const IPC_EVENT_CHANNEL = 'locus:event';
