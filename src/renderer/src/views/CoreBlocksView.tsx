import { useCallback, useEffect, useState } from 'react';
import type { Block } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { onMemoryChange } from '../api/memory-changes';

const LABEL_RULE = 'lowercase letters, digits and _, starting with a letter';

function BlockEditor(props: {
  block: Block;
  onSaved: (block: Block) => void;
  onDeleted: () => void;
}) {
  const client = useClient();
  const { block } = props;
  const [value, setValue] = useState(block.value);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const over = value.length > block.limit;
  const changed = value !== block.value;
  const run = async (work: () => Promise<Block>) => {
    setError(null);
    try {
      props.onSaved(await work());
      setRenaming(null);
    } catch (e) {
      setError(toCallError(e));
    }
  };
  const fieldId = `block-${block.id}`;
  return (
    <article className="block" data-label={block.label} aria-labelledby={`${fieldId}-title`}>
      <header className="row">
        {renaming === null ? (
          <h3 id={`${fieldId}-title`}>{block.label}</h3>
        ) : (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() =>
                client.call('blocks.rename', {
                  agentId: block.agentId,
                  label: block.label,
                  newLabel: renaming.trim(),
                }),
              );
            }}
          >
            <h3 id={`${fieldId}-title`} className="sr-only">
              {block.label}
            </h3>
            <input
              aria-label={`New label for ${block.label}`}
              title={LABEL_RULE}
              value={renaming}
              autoFocus
              onChange={(e) => setRenaming(e.target.value)}
            />
            <button type="submit" disabled={!renaming.trim()}>
              Rename
            </button>
            <button type="button" className="quiet" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </form>
        )}
        {block.readOnly && (
          <span className="badge" title="The agent cannot change this block; you can.">
            read-only
          </span>
        )}
        <span className={`counter ${over ? 'over' : ''}`} data-testid={`counter-${block.label}`}>
          {value.length} / {block.limit}
        </span>
      </header>
      {block.description && <p className="muted">{block.description}</p>}
      <textarea
        id={fieldId}
        aria-label={`${block.label} block`}
        value={value}
        rows={Math.min(12, Math.max(3, value.split('\n').length + 1))}
        onChange={(e) => setValue(e.target.value)}
      />
      <div className="row">
        <button
          type="button"
          disabled={!changed || over}
          onClick={() =>
            void run(() =>
              client.call('blocks.setValue', { agentId: block.agentId, label: block.label, value }),
            )
          }
        >
          Save
        </button>
        <button
          type="button"
          className="quiet"
          onClick={() =>
            void run(() =>
              client.call('blocks.undo', { agentId: block.agentId, label: block.label }),
            )
          }
        >
          Undo last change
        </button>
        {changed && (
          <button type="button" className="quiet" onClick={() => setValue(block.value)}>
            Revert
          </button>
        )}
        {renaming === null && (
          <button type="button" className="quiet" onClick={() => setRenaming(block.label)}>
            Rename<span className="sr-only"> {block.label}</span>
          </button>
        )}
        <button type="button" className="quiet" onClick={() => setConfirmDelete(true)}>
          Delete<span className="sr-only"> {block.label}</span>
        </button>
        <span className="muted">edited {when(block.updatedAt)}</span>
      </div>
      {over && <p className="warn">{value.length - block.limit} characters over the limit.</p>}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete the ${block.label} block?`}
          confirmLabel="Delete block"
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false);
            client
              .call('blocks.delete', { agentId: block.agentId, label: block.label })
              .then(props.onDeleted)
              .catch((e: unknown) => setError(toCallError(e)));
          }}
        >
          <p>
            The agent will no longer see it. Its text ({block.value.length} characters) is removed
            with it.
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}

function AddBlock(props: { agentId: string; onAdded: (block: Block) => void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const [limit, setLimit] = useState(2000);
  const [error, setError] = useState<CallError | null>(null);
  if (!open) {
    return (
      <button type="button" className="quiet" onClick={() => setOpen(true)}>
        + Add a block
      </button>
    );
  }
  return (
    <form
      className="block add-block"
      aria-label="Add a block"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        client
          .call('blocks.create', {
            agentId: props.agentId,
            block: { label: label.trim(), description, limit },
          })
          .then((block) => {
            props.onAdded(block);
            setOpen(false);
            setLabel('');
            setDescription('');
          })
          .catch((e: unknown) => setError(toCallError(e)));
      }}
    >
      <div className="row">
        <label>
          Label{' '}
          <input
            value={label}
            placeholder="projects"
            title={LABEL_RULE}
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        <label>
          Limit{' '}
          <input
            type="number"
            min={1}
            max={100000}
            value={limit}
            onChange={(e) => setLimit(Number(e.target.value))}
          />
        </label>
      </div>
      <label className="stack">
        What it is for (the agent reads this)
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <div className="row">
        <button type="submit" disabled={!label.trim()}>
          Add block
        </button>
        <button type="button" className="quiet" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </form>
  );
}

/** Core memory: what the agent always sees, editable with a live limit counter. */
export function CoreBlocksView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [blocks, setBlocks] = useState<Block[] | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const load = useCallback(
    () =>
      client
        .call('blocks.list', { agentId: props.agentId })
        .then(setBlocks)
        .catch((e: unknown) => setError(toCallError(e))),
    [client, props.agentId],
  );
  useEffect(() => {
    void load();
    // The agent edits blocks mid-turn; show its edits as they land.
    const offTurns = client.on('agent', ({ agentId, event }) => {
      if (agentId === props.agentId && event.type === 'message' && event.message.role === 'tool')
        void load();
    });
    // And changes made outside a turn: a consolidation pass, an upcoming
    // change whose date has come (with the view left open).
    const offOwn = client.on('memory', ({ agentId }) => {
      if (agentId === props.agentId) void load();
    });
    // And edits made by another Locus sharing the memory server.
    const offOthers = onMemoryChange(client, props.agentId, ['blocks'], () => void load());
    return () => {
      offTurns();
      offOwn();
      offOthers();
    };
  }, [client, props.agentId, load]);
  return (
    <section className="core-blocks" aria-labelledby="core-title">
      <h2 id="core-title">Core memory</h2>
      <p className="muted">
        Always in the agent&apos;s prompt. The agent edits these with its tools.
      </p>
      {error && <ErrorNotice error={error} />}
      {blocks?.map((b) => (
        <BlockEditor
          // A new version (the agent's edit, an undo, a rename) starts a fresh editor.
          key={`${b.id}:${b.updatedAt}`}
          block={b}
          onSaved={(saved) =>
            setBlocks((all) => all?.map((x) => (x.id === saved.id ? saved : x)) ?? null)
          }
          onDeleted={() => setBlocks((all) => all?.filter((x) => x.id !== b.id) ?? null)}
        />
      ))}
      <AddBlock agentId={props.agentId} onAdded={(b) => setBlocks((all) => [...(all ?? []), b])} />
    </section>
  );
}
