import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/shared/contract';
import { LocusError } from '../../src/shared/errors';
import type { CoreAccess } from '../../src/core/host/connect-core';
import { createOnDemandCore } from '../../src/core/host/on-demand-core';
import { onCleanup } from '../helpers/test-core';

/** A stand-in core: counts opens and closes, answers agents.list with its number. */
function fakeConnections(behaviour: (n: number) => 'ok' | 'refused' = () => 'ok') {
  const log = { opened: 0, disposed: 0, localUndone: 0 };
  const connect = async (): Promise<CoreAccess> => {
    const n = ++log.opened;
    const handlers = {
      'agents.list': async () => {
        if (behaviour(n) === 'refused') {
          throw new LocusError('HOST_UNREACHABLE', 'gone', { refused: true });
        }
        return [{ id: `connection-${n}` }];
      },
    } as unknown as Handlers;
    return {
      handlers,
      events: { on: () => () => undefined },
      local: null,
      owner: null,
      dispose: async () => {
        log.disposed++;
      },
    };
  };
  return { log, connect };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('on-demand core (how locus mcp holds the data folder)', () => {
  it('connects on the first call, reuses it while busy, and lets go when idle', async () => {
    const { log, connect } = fakeConnections();
    const core = createOnDemandCore({ connect, idleMs: 20 });
    onCleanup(() => core.dispose());
    expect(log.opened).toBe(0);
    await core.handlers['agents.list']({});
    await core.handlers['agents.list']({});
    expect(log.opened).toBe(1);
    await until(() => log.disposed === 1);
    const again = await core.handlers['agents.list']({});
    expect(again).toEqual([{ id: 'connection-2' }]);
  });

  it('finds the folder again when the process it went through has gone', async () => {
    const { log, connect } = fakeConnections((n) => (n === 1 ? 'refused' : 'ok'));
    const core = createOnDemandCore({ connect, idleMs: 60_000 });
    onCleanup(() => core.dispose());
    expect(await core.handlers['agents.list']({})).toEqual([{ id: 'connection-2' }]);
    expect(log).toMatchObject({ opened: 2, disposed: 1 });
  });

  it('does not repeat a call whose connection broke after it was sent', async () => {
    let opened = 0;
    const core = createOnDemandCore({
      idleMs: 60_000,
      connect: async () => {
        opened++;
        return {
          handlers: {
            'captures.add': async () => {
              throw new LocusError('HOST_UNREACHABLE', 'reset', { refused: false });
            },
          } as unknown as Handlers,
          events: { on: () => () => undefined },
          local: null,
          owner: null,
          dispose: async () => undefined,
        };
      },
    });
    onCleanup(() => core.dispose());
    await expect(core.handlers['captures.add']({ text: 'x', source: 'mcp' })).rejects.toMatchObject(
      { code: 'HOST_UNREACHABLE' },
    );
    expect(opened).toBe(1);
  });

  it('hands over after the running call, then waits for the new owner before reopening', async () => {
    let finish: () => void = () => undefined;
    let started = 0;
    const asked: number[] = [];
    let disposed = 0;
    const core = createOnDemandCore({
      idleMs: 60_000,
      connect: async ({ ownerFirstMs }) => {
        asked.push(ownerFirstMs);
        return {
          handlers: {
            'agents.list': () =>
              new Promise((resolve) => {
                started++;
                finish = () => resolve([]);
              }),
          } as unknown as Handlers,
          events: { on: () => () => undefined },
          local: null,
          owner: null,
          dispose: async () => {
            disposed++;
          },
        };
      },
    });
    onCleanup(() => core.dispose());
    const running = core.handlers['agents.list']({});
    await until(() => started === 1);
    const handedOver = core.handOver();
    // Not while a call is running.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(disposed).toBe(0);
    finish();
    await running;
    await handedOver;
    expect(disposed).toBe(1);
    // The next call gives the new owner time to take the folder.
    const next = core.handlers['agents.list']({});
    await until(() => started === 2);
    expect(asked[0]).toBe(0);
    expect(asked[1]).toBeGreaterThan(0);
    finish();
    await next;
  });
});
