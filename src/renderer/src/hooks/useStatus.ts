import { useCallback, useEffect, useState } from 'react';
import type { Status } from '../../../shared/contract';
import { useClient } from '../api/context';

/** The core's status (model, embedder, counts), refreshed when a model finishes loading. */
export function useStatus(): { status: Status | null; refresh: () => void } {
  const client = useClient();
  const [status, setStatus] = useState<Status | null>(null);
  const refresh = useCallback(() => {
    client
      .call('status.get', {})
      .then(setStatus)
      .catch(() => undefined);
  }, [client]);
  useEffect(() => {
    refresh();
    return client.on('progress', (p) => {
      const finished = p.done >= p.total;
      if (finished && ['model-load', 'restore', 'embedder-switch'].includes(p.task)) refresh();
    });
  }, [client, refresh]);
  return { status, refresh };
}
