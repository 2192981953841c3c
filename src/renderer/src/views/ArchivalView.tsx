import { useCallback, useEffect, useState } from 'react';
import type { ScoredPassage } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { pastLabel } from '../../../shared/past-facts';

const tagList = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function PassageItem(props: { passage: ScoredPassage; onChanged: () => void }) {
  const client = useClient();
  const { passage } = props;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [text, setText] = useState(passage.text);
  const [tags, setTags] = useState(passage.tags.join(', '));
  const [error, setError] = useState<CallError | null>(null);
  const past = pastLabel(passage);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setEditing(false);
      props.onChanged();
    } catch (e) {
      setError(toCallError(e));
    }
  };
  return (
    <li className="passage" data-id={passage.id}>
      {editing ? (
        <>
          <textarea
            aria-label="Passage text"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <input aria-label="Passage tags" value={tags} onChange={(e) => setTags(e.target.value)} />
          <div className="row">
            <button
              type="button"
              onClick={() =>
                void act(() =>
                  client.call('archival.update', {
                    passageId: passage.id,
                    text,
                    tags: tagList(tags),
                  }),
                )
              }
            >
              Save
            </button>
            <button type="button" className="quiet" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <p className={`passage-text${past ? ' past' : ''}`}>{passage.text}</p>
      )}
      <div className="row meta">
        {past && (
          <span className="tag" title="A newer fact replaced this one; it is kept as history.">
            past · {past}
          </span>
        )}
        {passage.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        <span className="muted">
          {when(passage.createdAt)} · from {passage.source.kind}
          {passage.embedded ? '' : ' · not embedded yet'}
        </span>
        {!editing && (
          <>
            <button type="button" className="quiet" onClick={() => setEditing(true)}>
              Edit
            </button>
            {confirming ? (
              <>
                <button
                  type="button"
                  className="danger"
                  title="Can be undone from Activity."
                  onClick={() =>
                    void act(() => client.call('archival.delete', { passageId: passage.id }))
                  }
                >
                  Delete for good
                </button>
                <button
                  type="button"
                  className="danger"
                  title="Removes it and leaves no trace of its text, not even in Activity. Cannot be undone."
                  onClick={() =>
                    void act(() =>
                      client.call('memory.forget', {
                        agentId: passage.agentId,
                        target: { kind: 'passage', id: passage.id },
                      }),
                    )
                  }
                >
                  Forget, leaving no trace
                </button>
                <button type="button" className="quiet" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="quiet" onClick={() => setConfirming(true)}>
                Delete
              </button>
            )}
          </>
        )}
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </li>
  );
}

/** Archival memory: search by meaning and words, add, edit and delete passages. */
export function ArchivalView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ScoredPassage[]>([]);
  const [newText, setNewText] = useState('');
  const [newTags, setNewTags] = useState('');
  const [error, setError] = useState<CallError | null>(null);

  const search = useCallback(
    async (q: string) => {
      try {
        const page = await client.call('archival.search', {
          agentId: props.agentId,
          query: q,
          limit: 25,
        });
        setResults(page.items);
      } catch (e) {
        setError(toCallError(e));
      }
    },
    [client, props.agentId],
  );
  useEffect(() => {
    client
      .call('archival.search', { agentId: props.agentId, query: '', limit: 25 })
      .then((page) => setResults(page.items))
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, props.agentId]);

  const add = async () => {
    try {
      await client.call('archival.insert', {
        agentId: props.agentId,
        text: newText.trim(),
        tags: tagList(newTags),
      });
      setNewText('');
      setNewTags('');
      await search(query);
    } catch (e) {
      setError(toCallError(e));
    }
  };

  return (
    <section className="archival">
      <h2>Archival memory</h2>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(query);
        }}
      >
        <input
          aria-label="Search archival memory"
          placeholder="Search by meaning or words"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <form
        className="add-passage"
        onSubmit={(e) => {
          e.preventDefault();
          if (newText.trim()) void add();
        }}
      >
        <textarea
          aria-label="New passage"
          placeholder="Something to remember"
          value={newText}
          onChange={(e) => setNewText(e.target.value)}
        />
        <div className="row">
          <input
            aria-label="New passage tags"
            placeholder="tags, comma separated"
            value={newTags}
            onChange={(e) => setNewTags(e.target.value)}
          />
          <button type="submit" disabled={!newText.trim()}>
            Add to memory
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {results.length === 0 ? (
        <p className="muted">{query ? 'Nothing found.' : 'No passages yet.'}</p>
      ) : (
        <ul className="passages" data-testid="passages">
          {results.map((p) => (
            <PassageItem key={p.id} passage={p} onChanged={() => void search(query)} />
          ))}
        </ul>
      )}
    </section>
  );
}
