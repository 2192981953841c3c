import type {
  CallInput,
  CallName,
  CallOutput,
  CallResult,
  EventName,
  ServerEvents,
} from '../../../shared/contract';
import type { LocusBridge } from '../../../shared/bridge';
import type { SerializedError } from '../../../shared/errors';

/** A failed call, carrying the core's stable code for the UI to branch on. */
export class CallError extends Error {
  readonly code: SerializedError['code'];
  readonly details: Record<string, unknown> | undefined;
  constructor(error: SerializedError) {
    super(error.message);
    this.code = error.code;
    this.details = error.details;
  }
}

export interface LocusClient {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(name: E, listener: (payload: ServerEvents[E]) => void): () => void;
}

function unwrap<K extends CallName>(result: CallResult<CallName>): CallOutput<K> {
  if (!result.ok) throw new CallError(result.error);
  return result.value as CallOutput<K>;
}

/** Inside Electron: the preload's bridge over IPC. */
export function createBridgeClient(bridge: LocusBridge): LocusClient {
  return {
    call: async <K extends CallName>(name: K, input: CallInput<K>) =>
      unwrap<K>(await bridge.call(name, input)),
    on: (name, listener) => bridge.on(name, listener),
  };
}

const EVENT_NAMES: EventName[] = ['progress', 'agent', 'memory', 'memory.changed'];

/** In a browser: the core's loopback HTTP host, with the token from the address. */
export function createHttpClient(base: string, token: string): LocusClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  let opened: Promise<void> = Promise.resolve();
  const connect = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
    const current = source;
    opened = new Promise((resolve) => {
      current.addEventListener('open', () => resolve(), { once: true });
      current.addEventListener('error', () => resolve(), { once: true });
    });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        const payload = JSON.parse((event as MessageEvent<string>).data) as unknown;
        listeners.get(name)?.forEach((listener) => listener(payload));
      });
    }
  };
  return {
    async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
      // A call made while the event stream is still connecting would lose the
      // first events it causes (streamed tokens); wait until it opens or
      // fails. Not for a fixed time: on a busy machine opening took longer
      // than any fixed wait, and the reply's first tokens were lost.
      if (source?.readyState === EventSource.CONNECTING) await opened;
      let response: Response;
      try {
        response = await fetch(`${base}/api/call/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch {
        throw new CallError({
          code: 'INTERNAL',
          message: 'Lost the connection to Locus. Is it still running?',
        });
      }
      return unwrap<K>(JSON.parse(await response.text()) as CallResult<CallName>);
    },
    on(name, listener) {
      connect();
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

/** Electron's bridge when present, else the HTTP host this page was served from. */
export function connectClient(): LocusClient {
  const bridge = (window as unknown as { locus?: LocusBridge }).locus;
  if (bridge) return createBridgeClient(bridge);
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('locus-token', fromHash);
    // Keep the token out of the visible address and history.
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const token = fromHash ?? sessionStorage.getItem('locus-token') ?? '';
  return createHttpClient(window.location.origin, token);
}
