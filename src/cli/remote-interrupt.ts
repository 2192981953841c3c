import type { Handlers } from '../shared/contract';
import type { CoreAccess } from '../core/host/connect-core';
import type { Output } from './output';

/**
 * Through the process that holds the folder, Ctrl+C (or SIGTERM) cancels
 * the replies this command asked it for, so it does not go on generating
 * for nobody, and the command then ends as a local one would. Other work
 * sent there (an import, a restore) runs to its end. A second signal leaves
 * at once. Returns the core to use, and the function that removes the handlers.
 */
export function cancelRemoteTurnsOnSignals(
  core: CoreAccess,
  output: Output,
): { core: CoreAccess; release: () => void } {
  const running = new Set<string>();
  const send: Handlers['chat.send'] = async (input) => {
    running.add(input.turnId ?? '');
    try {
      return await core.handlers['chat.send'](input);
    } finally {
      running.delete(input.turnId ?? '');
    }
  };
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received++;
    const turns = [...running].filter(Boolean);
    if (received > 1 || turns.length === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    output.err(`Stopping the reply (${signal}); press Ctrl+C again to quit at once.`);
    for (const turnId of turns) {
      core.handlers['chat.cancel']({ turnId }).catch(() => process.exit(1));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    core: { ...core, handlers: { ...core.handlers, 'chat.send': send }, dispose: core.dispose },
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
