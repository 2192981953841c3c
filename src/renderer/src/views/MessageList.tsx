import type { Message } from '../../../shared/entities';
import { agentSaid } from '../../../shared/message-text';
import { MEMORY_EDIT_TOOLS } from '../../../shared/tool-kinds';
import { toolArgumentsText, toolResult } from '../../../shared/tool-call-line';
import { CopyButton } from '../components/CopyButton';
import { MemoriesUsed } from '../components/MemoriesUsed';
import { Markdown } from '../components/Markdown';
import { when } from '../components/format';

function ToolCallItem(props: { message: Message; result: Message | undefined }) {
  const call = props.message.toolCalls?.[0];
  if (!call) return null;
  const memory = MEMORY_EDIT_TOOLS.has(call.name);
  const outcome = props.result ? toolResult(props.result) : null;
  const status = !outcome ? 'running…' : outcome.ok ? 'done' : 'failed';
  return (
    <details className={`tool ${memory ? 'memory-edit' : ''} ${status}`} data-tool={call.name}>
      <summary>
        {memory ? 'Memory edit' : 'Tool'}: <code>{call.name}</code>{' '}
        <span className="tool-args">{toolArgumentsText(call, 60)}</span>{' '}
        <span className="muted">{status}</span>
      </summary>
      {props.message.content && <p className="thought">{props.message.content}</p>}
      <pre>{call.arguments}</pre>
      {props.result && <pre className="result">{props.result.content}</pre>}
    </details>
  );
}

/**
 * Where each surfaced block is shown: under the first reply after it (or
 * its own place while no reply has come yet), keyed by that message's id.
 */
function memoriesPlacement(messages: Message[]): Map<string, Message> {
  const placed = new Map<string, Message>();
  let pending: Message | null = null;
  for (const m of messages) {
    if (m.kind === 'memories') pending = m;
    else if (m.role === 'user') pending = null;
    else if (pending && m.role === 'assistant' && agentSaid(m) !== null) {
      placed.set(m.id, pending);
      pending = null;
    }
  }
  if (pending) placed.set(pending.id, pending);
  return placed;
}

/**
 * The conversation as the user should see it: replies as Markdown with copy
 * and retry, tool steps folded, each message labelled by who spoke.
 */
export function MessageList(props: {
  messages: Message[];
  agentName: string;
  /** Offered on the last reply only, when no turn runs. */
  onRetry?: (() => void) | undefined;
}): React.JSX.Element {
  const results = new Map<string, Message>();
  for (const m of props.messages)
    if (m.role === 'tool' && m.toolCallId) results.set(m.toolCallId, m);
  let lastReply: string | null = null;
  for (const m of props.messages)
    if (m.role === 'assistant' && agentSaid(m) !== null) lastReply = m.id;
  const memories = memoriesPlacement(props.messages);
  return (
    <>
      {props.messages.map((m) => {
        if (m.kind === 'memories') {
          const own = memories.get(m.id);
          return own ? <MemoriesUsed key={m.id} message={own} /> : null;
        }
        if (m.role === 'user') {
          return (
            <article
              key={m.id}
              className="message user"
              data-seq={m.seq}
              aria-label={`You, ${when(m.createdAt)}`}
            >
              <span className="sr-only">You said: </span>
              <div className="bubble">{m.content}</div>
              <time className="muted" dateTime={m.createdAt}>
                {when(m.createdAt)}
              </time>
            </article>
          );
        }
        if (m.role === 'assistant') {
          const reply = agentSaid(m);
          if (reply !== null) {
            return (
              <article
                key={m.id}
                className="message assistant"
                data-seq={m.seq}
                aria-label={`${props.agentName}, ${when(m.createdAt)}`}
              >
                <span className="sr-only">{props.agentName} said: </span>
                <div className="bubble">
                  <Markdown text={reply} />
                </div>
                <div className="message-actions">
                  <time className="muted" dateTime={m.createdAt}>
                    {when(m.createdAt)}
                  </time>
                  <CopyButton label="Copy reply" text={() => reply} />
                  {m.id === lastReply && props.onRetry && (
                    <button type="button" className="quiet small" onClick={props.onRetry}>
                      Retry
                    </button>
                  )}
                </div>
                {memories.has(m.id) && <MemoriesUsed message={memories.get(m.id) as Message} />}
              </article>
            );
          }
          const call = m.toolCalls?.[0];
          return (
            <div key={m.id} className="message step" data-seq={m.seq}>
              <ToolCallItem message={m} result={call ? results.get(call.id) : undefined} />
            </div>
          );
        }
        if (m.role === 'system' && m.kind === 'summary') {
          return (
            <details key={m.id} className="message summary" data-seq={m.seq}>
              <summary>Earlier conversation summarised</summary>
              <p>{m.content}</p>
            </details>
          );
        }
        if (m.role === 'system') {
          return (
            <div key={m.id} className="message notice muted" data-seq={m.seq}>
              {m.content}
            </div>
          );
        }
        return null;
      })}
    </>
  );
}
