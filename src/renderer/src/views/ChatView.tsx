import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Agent, Message } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { MessageList } from './MessageList';
import { onMemoryChange } from '../api/memory-changes';

const PAGE = 30;

export function ChatView(props: { agent: Agent; onChooseModel: () => void }): React.JSX.Element {
  const client = useClient();
  const { agent } = props;
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasMore, setHasMore] = useState(true);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const turnRef = useRef<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const keepFromBottom = useRef<number | null>(null);
  const loadingOlder = useRef(false);

  const add = useCallback((message: Message) => {
    setMessages((all) => (all.some((m) => m.id === message.id) ? all : [...all, message]));
  }, []);

  useEffect(() => {
    let live = true;
    client
      .call('recall.recent', { agentId: agent.id, limit: PAGE })
      .then((recent) => {
        if (!live) return;
        setMessages(recent);
        setHasMore(recent.length === PAGE);
      })
      .catch((e: unknown) => live && setError(toCallError(e)));
    return () => {
      live = false;
    };
  }, [client, agent.id]);

  // Messages another Locus sharing the memory server wrote (its turns with this agent).
  useEffect(
    () =>
      onMemoryChange(client, agent.id, ['messages'], () => {
        if (turnRef.current) return;
        void client
          .call('recall.recent', { agentId: agent.id, limit: PAGE })
          .then((recent) => recent.forEach(add))
          .catch(() => undefined);
      }),
    [client, agent.id, add],
  );

  useEffect(
    () =>
      client.on('agent', ({ turnId, event }) => {
        if (turnId !== turnRef.current) return;
        if (event.type === 'token') setStreaming((s) => s + event.text);
        if (event.type === 'message') {
          add(event.message);
          if (event.message.role === 'assistant') setStreaming('');
        }
      }),
    [client, add],
  );

  // Stay at the bottom for new messages; keep the view still when older ones load above.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (keepFromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else {
      el.scrollTop = el.scrollHeight;
    }
  }, [messages, streaming]);

  const loadOlder = async () => {
    const el = scroller.current;
    const first = messages[0];
    if (!el || !first || !hasMore || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const older = await client.call('recall.recent', {
        agentId: agent.id,
        limit: PAGE,
        beforeSeq: first.seq,
      });
      keepFromBottom.current = el.scrollHeight - el.scrollTop;
      setHasMore(older.length === PAGE);
      setMessages((all) => [...older.filter((o) => !all.some((m) => m.id === o.id)), ...all]);
    } catch (e) {
      setError(toCallError(e));
    } finally {
      loadingOlder.current = false;
    }
  };

  const send = async () => {
    const text = draft.trim();
    if (!text || busy) return;
    const turnId = crypto.randomUUID();
    turnRef.current = turnId;
    setBusy(true);
    setError(null);
    setDraft('');
    try {
      await client.call('chat.send', { agentId: agent.id, text, turnId });
      // Events are best-effort (the stream may reconnect mid-turn); the stored
      // conversation is the truth, so merge it in once the turn is over.
      const stored = await client.call('recall.recent', { agentId: agent.id, limit: PAGE });
      setMessages((all) => {
        const known = new Set(all.map((m) => m.id));
        return [...all, ...stored.filter((m) => !known.has(m.id))].sort((a, b) => a.seq - b.seq);
      });
    } catch (e) {
      const failure = toCallError(e);
      setError(failure);
      // Nothing was stored when the turn could not start: give the text back.
      if (failure.code === 'MODEL_NOT_CONFIGURED' || failure.code === 'MODEL_FILE_MISSING')
        setDraft(text);
    } finally {
      setBusy(false);
      setStreaming('');
      turnRef.current = null;
    }
  };

  const stop = () => {
    if (turnRef.current) void client.call('chat.cancel', { turnId: turnRef.current });
  };

  const needsModel = error && /^MODEL_/.test(error.code);
  return (
    <section className="chat">
      <div
        className="messages"
        ref={scroller}
        data-testid="messages"
        onScroll={(e) => {
          if (e.currentTarget.scrollTop < 40) void loadOlder();
        }}
      >
        {hasMore && messages.length > 0 && (
          <div className="muted center">Scroll up for earlier messages</div>
        )}
        {messages.length === 0 && !busy && (
          <p className="muted center">Say hello. Tell me what to remember and I will keep it.</p>
        )}
        <MessageList messages={messages} />
        {streaming && (
          <div className="message assistant streaming" data-testid="streaming">
            <div className="bubble">{streaming}</div>
          </div>
        )}
        {busy && !streaming && <div className="muted thinking">Thinking…</div>}
      </div>
      {error && (
        <ErrorNotice
          error={error}
          action={needsModel ? { label: 'Choose a model', run: props.onChooseModel } : undefined}
          onDismiss={() => setError(null)}
        />
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <textarea
          aria-label="Message"
          value={draft}
          placeholder="Message Locus…"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
        />
        {busy ? (
          <button type="button" className="stop" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}
