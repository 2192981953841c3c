import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  AgentFileImportReport,
  BackupInfo,
  RestoreResult,
  Status,
} from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import { decodeAgentFileBytes } from '../../../shared/decode-agent-file';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { gigabytes, plural, when } from '../components/format';
import { inDesktopShell, saveTextFile } from '../platform';

function ImportReport(props: {
  report: AgentFileImportReport;
  onOpen: (agentId: string) => void;
}): React.JSX.Element {
  const { report } = props;
  return (
    <div className="report" role="status" data-testid="import-report">
      <p>
        <strong>Imported “{report.name}”</strong>: {plural(report.blocks, 'memory block')},{' '}
        {plural(report.messages, 'message')}, {plural(report.passages, 'archival passage')}.
      </p>
      {report.inertTools.length > 0 && (
        <p>
          Kept as records but never run (Locus does not implement them):{' '}
          {report.inertTools.join(', ')}.
        </p>
      )}
      {report.notes.length > 0 && (
        <ul>
          {report.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => props.onOpen(report.agentId)}>
        Open {report.name}
      </button>
    </div>
  );
}

function ImportSection(props: {
  onImported: (report: AgentFileImportReport) => void;
  onOpen: (agentId: string) => void;
}) {
  const client = useClient();
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [report, setReport] = useState<AgentFileImportReport | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  const importText = async (name: string, text: string, note: string | null = null) => {
    setBusy(name);
    setError(null);
    setReport(null);
    try {
      const done = await client.call('agentfile.import', { text });
      setReport(note ? { ...done, notes: [note, ...done.notes] } : done);
      props.onImported(done);
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setBusy(null);
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    // Bytes, not file.text(): UTF-16 and Latin-1 files are read as the CLI reads them.
    const { text, note } = decodeAgentFileBytes(new Uint8Array(await file.arrayBuffer()));
    await importText(file.name, text, note);
  };
  const choose = async () => {
    if (!inDesktopShell()) {
      picker.current?.click();
      return;
    }
    try {
      const picked = await client.call('dialogs.openFile', { kind: 'agentfile' });
      if (picked?.text) await importText(picked.name, picked.text, picked.note ?? null);
    } catch (e) {
      setError(toCallError(e));
    }
  };

  return (
    <section aria-labelledby="import-title">
      <h3 id="import-title">Import an agent</h3>
      <div
        className={`drop-zone ${dragging ? 'dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void importFile(e.dataTransfer.files[0]);
        }}
      >
        <p>
          Drop a Letta Agent File (<code>.af</code>) here, or{' '}
          <button type="button" onClick={() => void choose()} disabled={busy !== null}>
            Choose a file…
          </button>
        </p>
        <p className="muted">
          It becomes a new agent; an invalid file changes nothing. Tools Locus does not run are kept
          as records.
        </p>
        <input
          ref={picker}
          type="file"
          accept=".af,application/json"
          className="sr-only"
          tabIndex={-1}
          aria-label="Agent file to import"
          onChange={(e) => {
            void importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        {busy && (
          <p role="status" className="muted">
            Importing {busy}…
          </p>
        )}
      </div>
      {report && <ImportReport report={report} onOpen={props.onOpen} />}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}

function ExportSection(props: { agent: Agent }) {
  const client = useClient();
  const [conversations, setConversations] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const save = async (file: Promise<{ fileName: string; text: string }>) => {
    setError(null);
    setSaved(null);
    try {
      const { fileName, text } = await file;
      const where = await saveTextFile(client, fileName, text);
      if (where) setSaved(inDesktopShell() ? `Saved to ${where}.` : `Downloaded ${where}.`);
    } catch (e) {
      setError(toCallError(e));
    }
  };
  return (
    <section aria-labelledby="export-title">
      <h3 id="export-title">Export {props.agent.name}</h3>
      <div className="row">
        <button
          type="button"
          onClick={() => void save(client.call('agentfile.export', { agentId: props.agent.id }))}
        >
          Export agent file (.af)
        </button>
        <button
          type="button"
          onClick={() =>
            void save(
              client.call('agentfile.exportMarkdown', {
                agentId: props.agent.id,
                conversations,
              }),
            )
          }
        >
          Export memory as Markdown
        </button>
        <label className="toggle">
          <input
            type="checkbox"
            checked={conversations}
            onChange={(e) => setConversations(e.target.checked)}
          />{' '}
          include conversations
        </label>
      </div>
      <p className="muted">
        The agent file holds everything (Letta’s format, archival memory included); Markdown is for
        reading.
      </p>
      {saved && (
        <p role="status" data-testid="export-status">
          {saved}
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}

function BackupsSection(props: {
  status: Status | null;
  onRestored: (result: RestoreResult) => void;
}) {
  const client = useClient();
  const [backups, setBackups] = useState<BackupInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);
  const [made, setMade] = useState<BackupInfo | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const load = useCallback(() => {
    client
      .call('backups.list', {})
      .then(setBackups)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client]);
  useEffect(load, [load]);

  if (props.status && props.status.dataDir === null) {
    return (
      <section aria-labelledby="backups-title">
        <h3 id="backups-title">Backups</h3>
        <p className="muted">
          This Locus keeps its memory in RAM only; there is nothing to back up.
        </p>
      </section>
    );
  }
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setBusy(false);
      load();
    }
  };
  return (
    <section aria-labelledby="backups-title">
      <h3 id="backups-title">Backups</h3>
      <p className="muted">
        A backup is made every day and the newest seven are kept; ones you make are kept until you
        delete them.
      </p>
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            setMade(await client.call('backups.create', {}));
          })
        }
      >
        {busy && !restoring ? 'Backing up…' : 'Back up now'}
      </button>
      {made && (
        <p role="status" className="muted">
          Backed up ({gigabytes(made.sizeBytes)}).
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {backups.length === 0 ? (
        <p className="muted">No backups yet.</p>
      ) : (
        <table className="backups" data-testid="backups">
          <caption className="sr-only">Backups, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Made</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {backups.map((b) => (
              <tr key={b.file}>
                <td>
                  <time dateTime={b.createdAt}>{when(b.createdAt)}</time>
                </td>
                <td>{b.kind === 'auto' ? 'daily' : 'made by you'}</td>
                <td className="num">{gigabytes(b.sizeBytes)}</td>
                <td>
                  <button
                    type="button"
                    className="quiet small"
                    disabled={busy}
                    onClick={() => setRestoring(b)}
                  >
                    Restore<span className="sr-only"> the backup from {when(b.createdAt)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel={busy ? 'Restoring…' : 'Restore backup'}
          danger
          busy={busy}
          onCancel={() => setRestoring(null)}
          onConfirm={() =>
            void run(async () => {
              const result = await client.call('backups.restore', { file: restoring.file });
              setRestoring(null);
              props.onRestored(result);
            })
          }
        >
          <p>
            All memory goes back to how it was on {when(restoring.createdAt)}: agents,
            conversations, notes. Anything since then leaves the app; the current database is kept
            aside, not deleted.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Files: import and export agents, and backups, without leaving the app. */
export function FilesView(props: {
  agent: Agent;
  status: Status | null;
  onImported: () => void;
  onOpen: (agentId: string) => void;
  onRestored: (result: RestoreResult) => void;
}): React.JSX.Element {
  return (
    <div className="files">
      <h2>Files</h2>
      <ImportSection onImported={props.onImported} onOpen={props.onOpen} />
      <ExportSection agent={props.agent} />
      <BackupsSection status={props.status} onRestored={props.onRestored} />
    </div>
  );
}
