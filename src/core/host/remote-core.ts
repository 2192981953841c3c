import http from 'node:http';
import {
  contract,
  type CallName,
  type CallResult,
  type EventName,
  type Handlers,
  type ServerEvents,
} from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { EventBus } from '../events';
import { EVENTS_SENT_HEADER, HAND_OVER_PATH } from './http-host';

export interface RemoteCoreOptions {
  /** The owner's loopback base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  token: string;
  /** Names the owner in errors ("the Locus app (process 123)"). */
  describe?: string;
}

/** The contract spoken over the loopback host: the same handlers and events as a local core. */
export interface RemoteCore {
  handlers: Handlers;
  events: Pick<EventBus, 'on'>;
  /** Stops the event stream; calls in flight finish or fail on their own. */
  close(): void;
}

interface Reply {
  status: number;
  body: string;
  /** The id of the last event the host sent before this reply. */
  eventsSent: number;
}

/**
 * Node's http, not fetch: undici gives up on a response after five minutes
 * without headers, and a chat turn on a slow laptop can take longer.
 */
function post(base: URL, pathname: string, token: string, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(pathname, base),
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            eventsSent: Number(res.headers[EVENTS_SENT_HEADER] ?? 0) || 0,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Asks the process holding a data folder to let go of it (see owner-host's
 * onHandOver). True when it agreed; it then closes the folder shortly.
 */
export async function requestHandOver(url: string, token: string): Promise<boolean> {
  try {
    const reply = await post(new URL(url), HAND_OVER_PATH, token, '{}');
    return reply.status === 202;
  } catch {
    return false;
  }
}

/** Splits a text/event-stream into (id, event, data) frames. */
function frameParser(
  onFrame: (id: number, event: string, data: string) => void,
): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id = 0;
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('id:')) id = Number(line.slice(3).trim()) || 0;
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onFrame(id, event, data.join('\n'));
    }
  };
}

/**
 * A core in another process, reached through its loopback host: every
 * contract call becomes POST /api/call/<name>, events come from /api/events.
 * Callers cannot tell it from a local core's handlers and event bus.
 */
export function createRemoteCore(options: RemoteCoreOptions): RemoteCore {
  const base = new URL(options.url);
  const who = options.describe ?? `the Locus process at ${options.url}`;
  const bus = new EventBus();
  let stream: http.ClientRequest | null = null;
  let connected: Promise<void> | null = null;
  let closed = false;
  let streamOpen = false;
  let lastSeen = 0;
  const waiters = new Set<() => void>();
  const wakeWaiters = (): void => waiters.forEach((wake) => wake());

  /**
   * The host writes a call's events before its reply, but the two travel on
   * different connections: wait until the stream has delivered them, so a
   * turn's last tokens are never lost. Bounded, in case the stream broke.
   */
  function eventsUpTo(id: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (lastSeen >= id || !streamOpen || closed) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve();
      }, EVENT_CATCH_UP_MS);
      waiters.add(check);
      check();
    });
  }

  const unreachable = (cause: unknown): LocusError =>
    new LocusError(
      'HOST_UNREACHABLE',
      `Lost the connection to ${who}, which holds the data folder (${(cause as Error).message}). If it was closed, run the command again.`,
      // Refused: the request never arrived, so repeating it cannot do anything twice.
      { url: options.url, refused: (cause as NodeJS.ErrnoException).code === 'ECONNREFUSED' },
    );

  /** Opens the event stream once; resolves when the host has registered it. */
  function connectEvents(): Promise<void> {
    if (connected) return connected;
    connected = new Promise<void>((resolve) => {
      const req = http.request(new URL('/api/events', base), {
        method: 'GET',
        headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
      });
      stream = req;
      req.on('response', (res) => {
        // The host registers the stream before it sends the headers.
        resolve();
        res.setEncoding('utf8');
        streamOpen = true;
        const feed = frameParser((id, event, data) => {
          lastSeen = Math.max(lastSeen, id);
          wakeWaiters();
          if (!(event in EVENT_NAMES)) return;
          try {
            bus.emit(event as EventName, JSON.parse(data) as ServerEvents[EventName]);
          } catch {
            // A frame we cannot read is skipped; the call's own result still arrives.
          }
        });
        res.on('data', feed);
        res.on('close', () => {
          streamOpen = false;
          wakeWaiters();
        });
      });
      // Without events a call still returns its result: never block on them.
      req.on('error', () => resolve());
      req.end();
    });
    return connected;
  }

  async function callRemote(name: CallName, input: unknown): Promise<unknown> {
    if (closed) throw new LocusError('HOST_UNREACHABLE', `The connection to ${who} was closed.`);
    // Events a call causes (streamed tokens) must not be missed.
    if (connected) await connected;
    let reply: Reply;
    try {
      reply = await post(base, `/api/call/${name}`, options.token, JSON.stringify(input ?? {}));
    } catch (error) {
      throw unreachable(error);
    }
    if (connected) await eventsUpTo(reply.eventsSent);
    let result: CallResult<CallName>;
    try {
      result = JSON.parse(reply.body) as CallResult<CallName>;
    } catch {
      throw new LocusError(
        'HOST_UNREACHABLE',
        `${who} answered ${reply.status} with something that is not a Locus reply.`,
      );
    }
    if (!result.ok)
      throw new LocusError(result.error.code, result.error.message, result.error.details);
    return result.value;
  }

  const handlers = Object.fromEntries(
    (Object.keys(contract) as CallName[]).map((name) => [
      name,
      (input: unknown) => callRemote(name, input),
    ]),
  ) as unknown as Handlers;

  return {
    handlers,
    events: {
      on(name, listener) {
        void connectEvents();
        return bus.on(name, listener);
      },
    },
    close() {
      closed = true;
      stream?.destroy();
      bus.clear();
    },
  };
}

const EVENT_NAMES: Record<EventName, true> = {
  progress: true,
  agent: true,
  memory: true,
  'memory.changed': true,
};
const EVENT_CATCH_UP_MS = 5000;
