import type { Message } from '../../../shared/entities';
import { Markdown } from '../components/Markdown';
import { when } from '../components/format';
import { MemoriesUsed } from '../components/MemoriesUsed';
import { messageReply } from '../../../shared/message-text';

const MEMORY_TOOLS = new Set([
  'core_memory_append',
  'core_memory_replace',
  'memory_replace',
  'memory_insert',
  'memory_rethink',
  'archival_memory_insert',
]);

function resultStatus(result: Message | undefined): string {
  if (!result) return 'running…';
  try {
    return (JSON.parse(result.content) as { status?: string }).status === 'OK' ? 'done' : 'failed';
  } catch {
    return 'done';
  }
}

function ToolCallItem(props: { message: Message; result: Message | undefined }) {
  const call = props.message.toolCalls?.[0];
  if (!call) return null;
  const memory = MEMORY_TOOLS.has(call.name);
  const status = resultStatus(props.result);
  return (
    <details className={`tool ${memory ? 'memory-edit' : ''} ${status}`} data-tool={call.name}>
      <summary>
        {memory ? 'Memory edit' : 'Tool'}: <code>{call.name}</code>{' '}
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
    else if (pending && m.role === 'assistant' && messageReply(m) !== null) {
      placed.set(m.id, pending);
      pending = null;
    }
  }
  if (pending) placed.set(pending.id, pending);
  return placed;
}

/** The conversation as the user should see it: replies as Markdown, tool steps folded. */
export function MessageList(props: { messages: Message[] }): React.JSX.Element {
  const results = new Map<string, Message>();
  for (const m of props.messages)
    if (m.role === 'tool' && m.toolCallId) results.set(m.toolCallId, m);
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
            <div key={m.id} className="message user" data-seq={m.seq}>
              <div className="bubble">{m.content}</div>
              <time className="muted">{when(m.createdAt)}</time>
            </div>
          );
        }
        if (m.role === 'assistant') {
          const reply = messageReply(m);
          if (reply !== null) {
            return (
              <div key={m.id} className="message assistant" data-seq={m.seq}>
                <div className="bubble">
                  <Markdown text={reply} />
                </div>
                <time className="muted">{when(m.createdAt)}</time>
                {memories.has(m.id) && <MemoriesUsed message={memories.get(m.id) as Message} />}
              </div>
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
