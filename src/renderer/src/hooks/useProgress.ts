import { useEffect, useState } from 'react';
import { useClient } from '../api/context';

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** Progress events by task ("model-download:<id>" is keyed by the id alone). */
export function useProgress(): Record<string, Progress> {
  const client = useClient();
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  useEffect(
    () =>
      client.on('progress', (p) => {
        const id = p.task.startsWith('model-download:')
          ? p.task.slice('model-download:'.length)
          : p.task;
        setProgress((all) => ({ ...all, [id]: { phase: p.phase, done: p.done, total: p.total } }));
      }),
    [client],
  );
  return progress;
}
