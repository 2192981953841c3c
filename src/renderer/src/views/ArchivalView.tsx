import { useCallback, useEffect, useState } from 'react';
import type { ScoredPassage } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { DateRangeInputs } from '../components/DateRangeInputs';
import { localDayRange } from '../../../shared/local-days';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { MatchedText } from '../components/MatchedText';
import { bestScore, MatchScore } from '../components/MatchScore';
import { when } from '../components/format';
import { onMemoryChange } from '../api/memory-changes';
import { pastLabel } from '../../../shared/past-facts';
import { useFocusNext } from '../hooks/useFocusNext';
import { rereadLimit, withNextPage } from '../api/paging';

const tagList = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

interface Filters {
  query: string;
  tags: string[];
  tagMode: 'any' | 'all';
  start: string;
  end: string;
}
/** Passages per page. */
const PAGE = 25;

const NO_FILTERS: Filters = { query: '', tags: [], tagMode: 'any', start: '', end: '' };

function PassageItem(props: {
  passage: ScoredPassage;
  query: string;
  /** The best score shown, for the weak mark. */
  best: number;
  onChanged: () => void;
  onTag: (tag: string) => void;
}) {
  const client = useClient();
  const { passage } = props;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const focus = useFocusNext<'edit' | 'text' | 'delete' | 'keep'>();
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
            ref={focus.ref('text')}
            aria-label="Passage text"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <input aria-label="Passage tags" value={tags} onChange={(e) => setTags(e.target.value)} />
          <div className="row">
            <button
              type="button"
              onClick={() =>
                void act(() => {
                  focus.focusNext('edit');
                  return client.call('archival.update', {
                    passageId: passage.id,
                    text,
                    tags: tagList(tags),
                  });
                })
              }
            >
              Save
            </button>
            <button
              type="button"
              className="quiet"
              onClick={() => {
                focus.focusNext('edit');
                setEditing(false);
              }}
            >
              Cancel
            </button>
          </div>
        </>
      ) : (
        <p className={`passage-text${past ? ' past' : ''}`}>
          <MatchedText text={passage.text} snippet={passage.snippet} query={props.query} />
        </p>
      )}
      <div className="row meta">
        {past &&
          (passage.tags.includes('past') ? (
            <button
              type="button"
              className="tag"
              title="A newer fact replaced this one; it is kept as history. Show only past facts."
              onClick={() => props.onTag('past')}
            >
              past · {past}
            </button>
          ) : (
            <span className="tag" title="A newer fact replaced this one; it is kept as history.">
              past · {past}
            </span>
          ))}
        {/* The past chip already says it, and filters by the tag. */}
        {(past ? passage.tags.filter((t) => t !== 'past') : passage.tags).map((t) => (
          <button
            key={t}
            type="button"
            className="tag"
            title={`Show only passages tagged ${t}`}
            onClick={() => props.onTag(t)}
          >
            {t}
          </button>
        ))}
        <span className="muted">
          <time dateTime={passage.createdAt}>{when(passage.createdAt)}</time> · from{' '}
          {passage.source.kind}
          {passage.embedded ? '' : ' · not embedded yet'}
        </span>
        {props.query.trim() && <MatchScore score={passage.score} best={props.best} />}
        {!editing && (
          <span className="actions">
            <button
              type="button"
              className="quiet"
              ref={focus.ref('edit')}
              onClick={() => {
                focus.focusNext('text');
                setEditing(true);
              }}
            >
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
                <button
                  type="button"
                  className="quiet"
                  ref={focus.ref('keep')}
                  onClick={() => {
                    focus.focusNext('delete');
                    setConfirming(false);
                  }}
                >
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                className="quiet"
                ref={focus.ref('delete')}
                onClick={() => {
                  focus.focusNext('keep');
                  setConfirming(true);
                }}
              >
                Delete
              </button>
            )}
          </span>
        )}
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </li>
  );
}

/** Archival memory: search by meaning and words, filter by tag and date, add, edit and delete. */
export function ArchivalView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [tagText, setTagText] = useState('');
  const [tagMode, setTagMode] = useState<'any' | 'all'>('any');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [results, setResults] = useState<ScoredPassage[]>([]);
  // Where the next page starts; null when every result is shown.
  const [nextOffset, setNextOffset] = useState<number | null>(null);
  const [newText, setNewText] = useState('');
  const [newTags, setNewTags] = useState('');
  const [error, setError] = useState<CallError | null>(null);

  const search = useCallback(
    async (filters: Filters, offset = 0, limit = PAGE) => {
      try {
        const page = await client.call('archival.search', {
          agentId: props.agentId,
          query: filters.query,
          ...(filters.tags.length ? { tags: filters.tags, tagMode: filters.tagMode } : {}),
          // The end date is inclusive for a person: the whole day.
          ...localDayRange(filters.start, filters.end),
          limit,
          ...(offset ? { offset } : {}),
        });
        setApplied(filters);
        setResults((shown) => (offset === 0 ? page.items : withNextPage(shown, page.items)));
        setNextOffset(page.nextOffset);
      } catch (e) {
        setError(toCallError(e));
      }
    },
    [client, props.agentId],
  );
  useEffect(() => {
    client
      .call('archival.search', { agentId: props.agentId, query: '', limit: PAGE })
      .then((page) => {
        setResults(page.items);
        setNextOffset(page.nextOffset);
      })
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, props.agentId]);
  // After a change, the pages already shown are read again: an edit far down
  // the list keeps it where it is instead of folding it back to one page.
  const refresh = useCallback(
    () => search(applied, 0, rereadLimit(results.length, PAGE)),
    [search, applied, results.length],
  );
  // Passages another Locus sharing the memory server added, changed or deleted.
  useEffect(
    () => onMemoryChange(client, props.agentId, ['passages'], () => void refresh()),
    [client, props.agentId, refresh],
  );

  const [saving, setSaving] = useState(false);
  const current = (): Filters => ({ query, tags: tagList(tagText), tagMode, start, end });
  const filterByTag = (tag: string) => {
    setTagText(tag);
    void search({ ...current(), tags: [tag] });
  };
  const clear = () => {
    setQuery('');
    setTagText('');
    setStart('');
    setEnd('');
    void search(NO_FILTERS);
  };

  const add = async () => {
    const text = newText;
    const tags = newTags;
    setSaving(true);
    try {
      await client.call('archival.insert', {
        agentId: props.agentId,
        text: text.trim(),
        tags: tagList(tags),
      });
      // Cleared only if unchanged: what was typed while this saved is the
      // next passage, not this one (clearing it disabled "Add" for good).
      setNewText((current) => (current === text ? '' : current));
      setNewTags((current) => (current === tags ? '' : current));
      await refresh();
    } catch (e) {
      setError(toCallError(e));
    } finally {
      setSaving(false);
    }
  };

  const filtered = applied.query.trim() || applied.tags.length > 0 || applied.start || applied.end;

  const best = bestScore(results);
  return (
    <section className="archival" aria-labelledby="archival-title">
      <h2 id="archival-title">Archival memory</h2>
      <form
        className="search-form"
        role="search"
        aria-label="Archival search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(current());
        }}
      >
        <div className="row">
          <input
            className="grow"
            aria-label="Search archival memory"
            placeholder="Search by meaning or words"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit">Search</button>
        </div>
        <details className="filters" open={Boolean(tagText || start || end)}>
          <summary>Filters</summary>
          <div className="row">
            <label>
              Tags{' '}
              <input
                aria-label="Filter by tags"
                placeholder="note, home"
                value={tagText}
                onChange={(e) => setTagText(e.target.value)}
              />
            </label>
            <label>
              Match{' '}
              <select
                aria-label="Tag match"
                value={tagMode}
                onChange={(e) => setTagMode(e.target.value as 'any' | 'all')}
              >
                <option value="any">any tag</option>
                <option value="all">all tags</option>
              </select>
            </label>
            <DateRangeInputs
              start={start}
              end={end}
              onStart={setStart}
              onEnd={setEnd}
              labels={['Passages from', 'Passages to']}
            />
          </div>
        </details>
      </form>
      {filtered && (
        <p className="muted row" role="status">
          {nextOffset === null ? `${results.length} found` : `${results.length} shown, more below`}
          {applied.tags.length > 0 &&
            ` tagged ${applied.tags.join(applied.tagMode === 'all' ? ' and ' : ' or ')}`}
          <button type="button" className="quiet small" onClick={clear}>
            Clear search
          </button>
        </p>
      )}
      <form
        className="add-passage"
        onSubmit={(e) => {
          e.preventDefault();
          if (newText.trim() && !saving) void add();
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
          <button type="submit" disabled={!newText.trim() || saving} aria-busy={saving}>
            Add to memory
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {results.length === 0 ? (
        <p className="muted">{filtered ? 'Nothing found.' : 'No passages yet.'}</p>
      ) : (
        <ul className="passages" data-testid="passages">
          {results.map((p) => (
            <PassageItem
              key={p.id}
              passage={p}
              query={applied.query}
              best={best}
              onChanged={() => void refresh()}
              onTag={filterByTag}
            />
          ))}
        </ul>
      )}
      {nextOffset !== null && (
        <button type="button" className="quiet" onClick={() => void search(applied, nextOffset)}>
          Show more<span className="sr-only"> passages</span>
        </button>
      )}
    </section>
  );
}
