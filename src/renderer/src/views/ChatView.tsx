import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Status } from '../../../shared/contract';
import type { Agent, Conversation, Message } from '../../../shared/entities';
import { ACTIVITY_LABELS, nextActivity, type TurnActivity } from '../../../shared/turn-activity';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';
import { ConversationHeader } from './ConversationHeader';
import { MessageList } from './MessageList';
import { onMemoryChange } from '../api/memory-changes';

const PAGE = 30;
/** How long a turn shown from its events may stay silent before the core is asked whether it still runs. */
const SILENT_TURN_MS = 15_000;

/** A first-time hint: what is missing before the agent can answer, and what works already. */
function NoModelNotice(props: { onChooseModel: () => void }): React.JSX.Element {
  return (
    <div className="notice-card" data-testid="no-model">
      <p>
        <strong>No language model yet.</strong> Locus needs one to reply (downloaded once, then it
        works offline). Your memory, notes and files already work without it.
      </p>
      <button type="button" onClick={props.onChooseModel}>
        Set up a model
      </button>
    </div>
  );
}

/**
 * The stored conversation merged into what the view shows, in order: events
 * are best-effort (the stream may reconnect mid-turn), the store is the truth.
 */
function withStored(stored: Message[]) {
  return (all: Message[]): Message[] => {
    const known = new Set(all.map((m) => m.id));
    return [...all, ...stored.filter((m) => !known.has(m.id))].sort((a, b) => a.seq - b.seq);
  };
}

export function ChatView(props: {
  agent: Agent;
  conversation: Conversation;
  onRename: (name: string) => Promise<void>;
  onDelete: () => Promise<void>;
  status: Status | null;
  focusRequest: number;
  onChooseModel: () => void;
}): React.JSX.Element {
  const client = useClient();
  const { agent } = props;
  const conversationId = props.conversation.id;
  const [messages, setMessages] = useState<Message[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [hasMore, setHasMore] = useState(true);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState('');
  const [busy, setBusy] = useState(false);
  const [activity, setActivity] = useState<TurnActivity | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const turnRef = useRef<string | null>(null);
  /** Turns this view started and saw end: their late events must not look like a new turn. */
  const ended = useRef(new Set<string>());
  const scroller = useRef<HTMLDivElement>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const keepFromBottom = useRef<number | null>(null);
  const loadingOlder = useRef(false);

  const add = useCallback((message: Message) => {
    setMessages((all) => (all.some((m) => m.id === message.id) ? all : [...all, message]));
  }, []);

  useEffect(() => {
    let live = true;
    client
      .call('recall.recent', { agentId: agent.id, conversationId, limit: PAGE })
      .then((recent) => {
        if (!live) return;
        setMessages(recent);
        setHasMore(recent.length === PAGE);
        setLoaded(true);
      })
      .catch((e: unknown) => live && setError(toCallError(e)));
    return () => {
      live = false;
    };
  }, [client, agent.id, conversationId]);

  // A turn this view did not start (another tab, the CLI, the API, MCP, or
  // one already running when the page loaded): shown from the events every
  // client receives, with Stop, until its "done" or "error".
  useEffect(() => {
    let live = true;
    let followed: string | null = null;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const finish = async (turnId: string) => {
      clearTimeout(watchdog);
      ended.current.add(turnId);
      if (followed === turnId) followed = null;
      const stored = await client.call('recall.recent', {
        agentId: agent.id,
        conversationId,
        limit: PAGE,
      });
      if (!live) return;
      setMessages(withStored(stored));
      if (turnRef.current !== turnId) return;
      turnRef.current = null;
      setBusy(false);
      setActivity(null);
      setStreaming('');
    };
    // Events are best-effort: a "done" lost while the stream reconnected would
    // leave Send off, so a turn silent for a while is asked after once.
    const watch = (turnId: string) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        client
          .call('chat.running', { agentId: agent.id, conversationId })
          .then(({ turnId: running }) => {
            if (!live || followed !== turnId) return;
            if (running === turnId) watch(turnId);
            else void finish(turnId).catch(() => undefined);
          })
          .catch(() => live && watch(turnId));
      }, SILENT_TURN_MS);
    };
    const follow = (turnId: string) => {
      if (turnRef.current || ended.current.has(turnId)) return;
      turnRef.current = turnId;
      followed = turnId;
      setBusy(true);
      setActivity('thinking');
      watch(turnId);
    };

    const stopListening = client.on('agent', ({ conversationId: of, turnId, event }) => {
      if (of !== conversationId) return;
      follow(turnId);
      if (turnId !== turnRef.current) return;
      setActivity((current) => nextActivity(current, event));
      if (event.type === 'token') setStreaming((s) => s + event.text);
      if (event.type === 'message') {
        add(event.message);
        if (event.message.role === 'assistant') setStreaming('');
      }
      if (followed !== turnId) return;
      if (event.type === 'done' || event.type === 'error')
        void finish(turnId).catch(() => undefined);
      else watch(turnId);
    });
    void client
      .call('chat.running', { agentId: agent.id, conversationId })
      .then(({ turnId }) => {
        if (live && turnId) follow(turnId);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      clearTimeout(watchdog);
      stopListening();
    };
  }, [client, agent.id, conversationId, add]);

  useEffect(() => {
    if (props.focusRequest > 0) composer.current?.focus();
  }, [props.focusRequest]);

  // Messages another Locus sharing the memory server wrote (its turns with this agent).
  useEffect(
    () =>
      onMemoryChange(client, agent.id, ['messages'], () => {
        if (turnRef.current) return;
        void client
          .call('recall.recent', { agentId: agent.id, conversationId, limit: PAGE })
          .then((recent) => setMessages(withStored(recent)))
          .catch(() => undefined);
      }),
    [client, agent.id, conversationId],
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
  }, [messages, streaming, activity]);

  const loadOlder = async () => {
    const el = scroller.current;
    const first = messages[0];
    if (!el || !first || !hasMore || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const older = await client.call('recall.recent', {
        agentId: agent.id,
        conversationId,
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

  /** Runs one turn (a new message or a retry) and merges what was stored. */
  const runTurn = async (start: (turnId: string) => Promise<unknown>, text?: string) => {
    const turnId = crypto.randomUUID();
    turnRef.current = turnId;
    setBusy(true);
    setActivity('thinking');
    setError(null);
    try {
      await start(turnId);
      // Events are best-effort (the stream may reconnect mid-turn); the stored
      // conversation is the truth, so merge it in once the turn is over.
      const stored = await client.call('recall.recent', {
        agentId: agent.id,
        conversationId,
        limit: PAGE,
      });
      setMessages(withStored(stored));
    } catch (e) {
      const failure = toCallError(e);
      setError(failure);
      // Nothing was stored when the turn could not start: give the text back.
      if (
        text &&
        (failure.code === 'MODEL_NOT_CONFIGURED' || failure.code === 'MODEL_FILE_MISSING')
      )
        setDraft(text);
    } finally {
      setBusy(false);
      setActivity(null);
      setStreaming('');
      ended.current.add(turnId);
      turnRef.current = null;
    }
  };

  const send = async () => {
    const text = draft.trim();
    if (!text || busy) return;
    setDraft('');
    await runTurn(
      (turnId) => client.call('chat.send', { agentId: agent.id, conversationId, text, turnId }),
      text,
    );
  };
  const retry = () =>
    void runTurn((turnId) =>
      client.call('chat.retry', { agentId: agent.id, conversationId, turnId }),
    );

  const stop = () => {
    if (turnRef.current) void client.call('chat.cancel', { turnId: turnRef.current });
  };

  const needsModel = error && /^MODEL_/.test(error.code);
  const noModel = props.status !== null && props.status.model === null;
  return (
    <section className="chat" aria-labelledby="conversation-title">
      <ConversationHeader
        conversation={props.conversation}
        busy={busy}
        onRename={props.onRename}
        onDelete={props.onDelete}
      />
      {noModel && <NoModelNotice onChooseModel={props.onChooseModel} />}
      <div
        className="messages"
        ref={scroller}
        data-testid="messages"
        role="log"
        aria-label={`Conversation with ${agent.name}`}
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
        onScroll={(e) => {
          if (e.currentTarget.scrollTop < 40) void loadOlder();
        }}
      >
        {hasMore && messages.length > 0 && (
          <div className="muted center">Scroll up for earlier messages</div>
        )}
        {loaded && messages.length === 0 && !busy && !noModel && (
          <p className="muted center">Say hello. Tell me what to remember and I will keep it.</p>
        )}
        <MessageList
          messages={messages}
          agentName={agent.name}
          onRetry={busy || noModel ? undefined : retry}
        />
        {streaming && (
          // Read out once complete (as a stored message), not token by token.
          <div className="message assistant streaming" data-testid="streaming" aria-hidden="true">
            <div className="bubble">{streaming}</div>
          </div>
        )}
      </div>
      <p className="turn-activity muted" role="status" data-testid="activity">
        {activity && activity !== 'writing' ? (
          <>
            <span className="pulse" aria-hidden="true" /> {ACTIVITY_LABELS[activity]}
          </>
        ) : activity === 'writing' ? (
          ACTIVITY_LABELS.writing
        ) : null}
      </p>
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
          id="composer"
          ref={composer}
          aria-label="Message"
          aria-keyshortcuts="/ Shift+Escape"
          value={draft}
          rows={2}
          placeholder={`Message ${agent.name}…`}
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
