import { useEffect, useState } from 'react';
import type { DatabaseInfo } from '../../../shared/contract';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from './ErrorNotice';

const SOURCES: Record<DatabaseInfo['source'], string> = {
  flag: 'chosen with --database for this run',
  env: 'chosen by LOCUS_DATABASE_URL',
  setting: 'saved here',
  embedded: 'the default',
};

/**
 * Where memory is kept: the embedded database in the data folder, or a
 * PostgreSQL server several devices share. Saving checks the server first;
 * the change applies at the next start (memory moves with `locus db copy`).
 */
export function DatabaseSettings(): React.JSX.Element {
  const client = useClient();
  const [info, setInfo] = useState<DatabaseInfo | null>(null);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CallError | null>(null);

  useEffect(() => {
    client
      .call('database.get', {})
      .then(setInfo)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);

  const save = async (next: string | null) => {
    setBusy(true);
    setError(null);
    try {
      setInfo(await client.call('database.set', { url: next }));
      setUrl('');
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="database-settings">
      <h2>Memory database</h2>
      {info && (
        <p>
          {info.backend === 'postgres'
            ? `PostgreSQL server ${info.location}`
            : 'Embedded, in the data folder'}{' '}
          <span className="muted">({SOURCES[info.source]})</span>
        </p>
      )}
      {info?.restartRequired && (
        <p className="notice" role="status">
          {info.saved
            ? `From the next start: ${info.saved}.`
            : 'From the next start: the embedded database.'}{' '}
          Restart Locus to switch. Memory is not moved; copy it with “locus db copy”.
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void save(url.trim());
        }}
      >
        <label>
          Server
          <input
            type="text"
            placeholder="postgres://user@host:5432/locus"
            value={url}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || !url.trim()}>
          {busy ? 'Checking…' : 'Check and use'}
        </button>
        {info?.saved && (
          <button type="button" disabled={busy} onClick={() => void save(null)}>
            Use the embedded database
          </button>
        )}
      </form>
    </div>
  );
}
