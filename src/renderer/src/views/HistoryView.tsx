import { useCallback, useEffect, useState } from 'react';
import type { CallInput } from '../../../shared/contract';
import type { FoundMessage, Message } from '../../../shared/entities';
import { agentSaid } from '../../../shared/message-text';
import { untilLabel } from '../../../shared/past-facts';
import { toolCallLine, toolResult } from '../../../shared/tool-call-line';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { DateRangeInputs } from '../components/DateRangeInputs';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { Highlight } from '../components/Highlight';
import { MatchedText } from '../components/MatchedText';
import { bestScore, MatchScore } from '../components/MatchScore';
import { when } from '../components/format';
import { localDayRange } from '../../../shared/local-days';
import { useFocusNext } from '../hooks/useFocusNext';
import { rereadLimit, withNextPage } from '../api/paging';

/** Messages per page. */
const PAGE = 50;

type HistoryRequest = Omit<CallInput<'recall.search'>, 'limit' | 'offset'>;

/** Tool calls and their results: how the agent worked, not what was said. */
function isPlumbing(m: Message): boolean {
  if (m.role === 'tool') return true;
  return m.role === 'assistant' && agentSaid(m) === null;
}

function speaker(m: Message, agentName: string): string {
  if (m.role === 'user') return 'You';
  if (m.role === 'assistant') return agentName;
  if (m.role === 'tool') return `${m.name ?? 'tool'} result`;
  return 'Locus';
}

function display(m: Message): string {
  const said = agentSaid(m);
  if (said !== null) return said;
  const call = m.toolCalls?.[0];
  if (call) return toolCallLine(call);
  if (m.role === 'tool') {
    const result = toolResult(m);
    return `${result.ok ? 'OK' : 'Failed'}: ${result.message}`;
  }
  return m.content;
}

function Line(props: {
  m: Message & { snippet?: string; until?: string | null };
  agentName: string;
  query: string;
}) {
  // A long message found by search shows the part that matched (recall's snippet).
  const text = display(props.m);
  const matched = props.m.snippet !== undefined && agentSaid(props.m) !== null;
  // Every fact kept from it was replaced: marked as a past fact is, as the CLI does.
  const past = untilLabel(props.m.until);
  const classes = [isPlumbing(props.m) && 'plumbing', past && 'past'].filter(Boolean).join(' ');
  return (
    <>
      <span className="muted">
        <time dateTime={props.m.createdAt}>{when(props.m.createdAt)}</time>{' '}
        {speaker(props.m, props.agentName)}:
      </span>{' '}
      <span className={classes}>
        {matched ? (
          <MatchedText text={text} snippet={props.m.snippet ?? text} query={props.query} />
        ) : (
          <Highlight text={text} query={props.query} />
        )}
      </span>
      {past && (
        <span
          className="muted until"
          title="Every fact kept from this message was replaced by a newer one; it is kept as history."
        >
          {' '}
          ({past})
        </span>
      )}
    </>
  );
}

/** Recall memory: every message ever exchanged, by text and date, and the summaries. */
export function HistoryView(props: { agentId: string; agentName?: string }): React.JSX.Element {
  const client = useClient();
  const agentName = props.agentName ?? 'Locus';
  const [query, setQuery] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [showTools, setShowTools] = useState(false);
  const [searched, setSearched] = useState('');
  const [results, setResults] = useState<FoundMessage[] | null>(null);
  const [context, setContext] = useState<{ around: number; messages: Message[] } | null>(null);
  const [summaries, setSummaries] = useState<Message[]>([]);
  const [error, setError] = useState<CallError | null>(null);

  // The search the results come from, for their next page and for reading
  // them again after a change (not what the form holds now).
  const [request, setRequest] = useState<HistoryRequest | null>(null);
  const [nextOffset, setNextOffset] = useState<number | null>(null);

  const load = useCallback(
    async (input: HistoryRequest, offset: number, limit = PAGE) => {
      setError(null);
      try {
        const page = await client.call('recall.search', {
          ...input,
          limit,
          ...(offset ? { offset } : {}),
        });
        setRequest(input);
        setSearched(input.query ?? '');
        setResults((shown) =>
          offset === 0 || !shown ? page.items : withNextPage(shown, page.items),
        );
        setNextOffset(page.nextOffset);
      } catch (e) {
        setError(toCallError(e));
      }
    },
    [client],
  );

  const search = () => {
    setContext(null);
    return load(
      {
        agentId: props.agentId,
        ...(query.trim() ? { query: query.trim() } : {}),
        ...localDayRange(start, end),
        roles: ['user', 'assistant', 'tool'],
      },
      0,
    );
  };

  useEffect(() => {
    client
      .call('recall.search', { agentId: props.agentId, roles: ['system'], limit: 50 })
      .then((page) => setSummaries(page.items.filter((m) => m.kind === 'summary')))
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, props.agentId]);

  const [forgetting, setForgetting] = useState<string | null>(null);
  const focus = useFocusNext<string>();
  const forget = async (m: Message) => {
    try {
      await client.call('memory.forget', {
        agentId: props.agentId,
        target: { kind: 'message', id: m.id },
      });
      setForgetting(null);
      // The pages shown are read again, without the forgotten message.
      if (request) await load(request, 0, rereadLimit(results?.length ?? 0, PAGE));
    } catch (e) {
      setError(toCallError(e));
    }
  };

  const showContext = async (m: Message) => {
    try {
      const messages = await client.call('recall.recent', {
        agentId: props.agentId,
        limit: 15,
        beforeSeq: m.seq + 8,
      });
      setContext({ around: m.seq, messages });
    } catch (e) {
      setError(toCallError(e));
    }
  };

  const visible = <T extends Message>(list: T[]): T[] =>
    list.filter((m) => (showTools ? m.role !== 'system' : !isPlumbing(m) && m.role !== 'system'));
  const shown = results ? visible(results) : null;
  // Weak against the best hit shown, as the CLI marks them.
  const best = bestScore(shown ?? []);
  const hidden = results
    ? results.filter((m) => m.role !== 'system').length - (shown?.length ?? 0)
    : 0;
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title">Conversation history</h2>
      <form
        className="row"
        role="search"
        aria-label="History search"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          className="grow"
          aria-label="Search history"
          placeholder="Words to find"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <DateRangeInputs
          start={start}
          end={end}
          onStart={setStart}
          onEnd={setEnd}
          labels={['From date', 'To date']}
        />
        <button type="submit">Search</button>
      </form>
      <label className="toggle">
        <input
          type="checkbox"
          checked={showTools}
          onChange={(e) => setShowTools(e.target.checked)}
        />{' '}
        Show tool calls and results
      </label>
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
            {visible(context.messages).map((m) => (
              <li key={m.id} className={m.seq === context.around ? 'hit' : ''}>
                <Line m={m} agentName={agentName} query={searched} />
              </li>
            ))}
          </ol>
        </div>
      )}
      {!context && shown && (
        <>
          <ul className="history-results" data-testid="history-results">
            {shown.length === 0 && <li className="muted">No messages found.</li>}
            {shown.map((m) => (
              <li key={m.id}>
                <Line m={m} agentName={agentName} query={searched} />{' '}
                {searched.trim() && (
                  <>
                    <MatchScore score={m.score} best={best} />{' '}
                  </>
                )}
                <button type="button" className="quiet small" onClick={() => void showContext(m)}>
                  Show in context
                </button>
                {m.role === 'user' &&
                  (forgetting === m.id ? (
                    <>
                      <button
                        type="button"
                        className="danger small"
                        title="Removes this message, the agent's answer and what memory kept from them; no trace of the text is left."
                        onClick={() => void forget(m)}
                      >
                        Forget it and what came from it
                      </button>
                      <button
                        type="button"
                        className="quiet small"
                        ref={focus.ref(`keep:${m.id}`)}
                        onClick={() => {
                          focus.focusNext(`forget:${m.id}`);
                          setForgetting(null);
                        }}
                      >
                        Keep
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="quiet small"
                      ref={focus.ref(`forget:${m.id}`)}
                      onClick={() => {
                        focus.focusNext(`keep:${m.id}`);
                        setForgetting(m.id);
                      }}
                    >
                      Forget…
                    </button>
                  ))}
              </li>
            ))}
          </ul>
          {nextOffset !== null && request && (
            <button type="button" className="quiet" onClick={() => void load(request, nextOffset)}>
              Show more<span className="sr-only"> messages</span>
            </button>
          )}
          {hidden > 0 && (
            <p className="muted">
              {hidden} tool {hidden === 1 ? 'step' : 'steps'} hidden; tick “Show tool calls and
              results” to see how the agent worked.
            </p>
          )}
        </>
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
