import { useCallback, useEffect, useState } from 'react';
import type { Message } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { when } from '../components/format';
import { messageReply } from '../../../shared/message-text';

function display(m: Message): string {
  const reply = messageReply(m);
  if (reply !== null) return reply;
  const call = m.toolCalls?.[0];
  if (call) return `${call.name}(${call.arguments})`;
  return m.content;
}

/** Recall memory: every message ever exchanged, by text and date, and the summaries. */
export function HistoryView(props: { agentId: string }): React.JSX.Element {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [results, setResults] = useState<Message[] | null>(null);
  const [context, setContext] = useState<{ around: number; messages: Message[] } | null>(null);
  const [summaries, setSummaries] = useState<Message[]>([]);
  const [error, setError] = useState<CallError | null>(null);

  const search = useCallback(async () => {
    setError(null);
    setContext(null);
    try {
      const page = await client.call('recall.search', {
        agentId: props.agentId,
        ...(query.trim() ? { query: query.trim() } : {}),
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
        roles: ['user', 'assistant'],
        limit: 50,
      });
      setResults(page.items);
    } catch (e) {
      setError(toCallError(e));
    }
  }, [client, props.agentId, query, start, end]);

  useEffect(() => {
    client
      .call('recall.search', { agentId: props.agentId, roles: ['system'], limit: 50 })
      .then((page) => setSummaries(page.items.filter((m) => m.kind === 'summary')))
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, props.agentId]);

  const [forgetting, setForgetting] = useState<string | null>(null);
  const forget = async (m: Message) => {
    try {
      await client.call('memory.forget', {
        agentId: props.agentId,
        target: { kind: 'message', id: m.id },
      });
      setForgetting(null);
      await search();
    } catch (e) {
      setError(toCallError(e));
    }
  };

  const showContext = async (m: Message) => {
    try {
      const messages = await client.call('recall.recent', {
        agentId: props.agentId,
        limit: 11,
        beforeSeq: m.seq + 6,
      });
      setContext({ around: m.seq, messages });
    } catch (e) {
      setError(toCallError(e));
    }
  };

  return (
    <section className="history">
      <h2>Conversation history</h2>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          aria-label="Search history"
          placeholder="Words to find"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label>
          From{' '}
          <input
            type="date"
            aria-label="From date"
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
        </label>
        <label>
          To{' '}
          <input
            type="date"
            aria-label="To date"
            value={end}
            onChange={(e) => setEnd(e.target.value)}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {context && (
        <div className="context" data-testid="history-context">
          <div className="row">
            <h3>In context</h3>
            <button type="button" className="quiet" onClick={() => setContext(null)}>
              Back to results
            </button>
          </div>
          <ol>
            {context.messages.map((m) => (
              <li key={m.id} className={m.seq === context.around ? 'hit' : ''}>
                <span className="muted">
                  {when(m.createdAt)} {m.role}:
                </span>{' '}
                {display(m)}
              </li>
            ))}
          </ol>
        </div>
      )}
      {!context && results && (
        <ul className="history-results" data-testid="history-results">
          {results.length === 0 && <li className="muted">No messages found.</li>}
          {results.map((m) => (
            <li key={m.id}>
              <span className="muted">
                {when(m.createdAt)} {m.role}:
              </span>{' '}
              {display(m)}{' '}
              <button type="button" className="quiet" onClick={() => void showContext(m)}>
                Show in context
              </button>
              {m.role === 'user' &&
                (forgetting === m.id ? (
                  <>
                    <button
                      type="button"
                      className="danger"
                      title="Removes this message, the agent's answer and what memory kept from them; no trace of the text is left."
                      onClick={() => void forget(m)}
                    >
                      Forget it and what came from it
                    </button>
                    <button type="button" className="quiet" onClick={() => setForgetting(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" className="quiet" onClick={() => setForgetting(m.id)}>
                    Forget…
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
      <h3>Summaries</h3>
      {summaries.length === 0 ? (
        <p className="muted">
          No summaries yet: the whole conversation still fits in the context window.
        </p>
      ) : (
        <ul className="summaries">
          {summaries.map((s) => (
            <li key={s.id}>
              <span className="muted">{when(s.createdAt)}</span> {s.content}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
