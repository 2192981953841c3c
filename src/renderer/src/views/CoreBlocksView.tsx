import { useEffect, useState } from 'react';
import type { Block } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { onMemoryChange } from '../api/memory-changes';

function BlockEditor(props: { block: Block; onSaved: (block: Block) => void }) {
  const client = useClient();
  const { block } = props;
  const [value, setValue] = useState(block.value);
  const [error, setError] = useState<CallError | null>(null);
  const over = value.length > block.limit;
  const changed = value !== block.value;
  const run = async (work: () => Promise<Block>) => {
    setError(null);
    try {
      props.onSaved(await work());
    } catch (e) {
      setError(toCallError(e));
    }
  };
  return (
    <article className="block" data-label={block.label}>
      <header className="row">
        <h3>{block.label}</h3>
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
        <span className="muted">edited {when(block.updatedAt)}</span>
      </div>
      {over && <p className="warn">{value.length - block.limit} characters over the limit.</p>}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </article>
  );
}

/** Core memory: what the agent always sees, editable with a live limit counter. */
export function CoreBlocksView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [blocks, setBlocks] = useState<Block[] | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  useEffect(() => {
    const load = () =>
      client
        .call('blocks.list', { agentId: props.agentId })
        .then(setBlocks)
        .catch((e: unknown) => setError(toCallError(e)));
    void load();
    // The agent edits blocks mid-turn; show its edits as they land.
    const offTurns = client.on('agent', ({ agentId, event }) => {
      if (agentId === props.agentId && event.type === 'message' && event.message.role === 'tool')
        void load();
    });
    // And edits made by another Locus sharing the memory server.
    const offOthers = onMemoryChange(client, props.agentId, ['blocks'], () => void load());
    return () => {
      offTurns();
      offOthers();
    };
  }, [client, props.agentId]);
  return (
    <section className="core-blocks">
      <h2>Core memory</h2>
      <p className="muted">
        Always in the agent&apos;s prompt. The agent edits these with its tools.
      </p>
      {error && <ErrorNotice error={error} />}
      {blocks?.map((b) => (
        <BlockEditor
          // A new version (the agent's edit, an undo) starts a fresh editor.
          key={`${b.id}:${b.updatedAt}`}
          block={b}
          onSaved={(saved) =>
            setBlocks((all) => all?.map((x) => (x.id === saved.id ? saved : x)) ?? null)
          }
        />
      ))}
    </section>
  );
}
