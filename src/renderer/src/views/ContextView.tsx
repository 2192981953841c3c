import { useCallback, useEffect, useState } from 'react';
import type { ContextInspection } from '../../../shared/contract';
import type { Conversation } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';

const COLORS: Record<string, string> = {
  instructions: 'var(--c-instructions)',
  core_memory: 'var(--c-core)',
  summary: 'var(--c-summary)',
  surfaced: 'var(--c-surfaced)',
  messages: 'var(--c-messages)',
  free: 'var(--c-free)',
};

const pct = (n: number, of: number) => `${((n / Math.max(1, of)) * 100).toFixed(1)}%`;

/**
 * What the model sees next step (Letta's ADE context view): the window by
 * section, in tokens, and the compiled prompt itself.
 */
export function ContextView(props: {
  agentId: string;
  conversation: Conversation;
}): React.JSX.Element {
  const client = useClient();
  const [view, setView] = useState<ContextInspection | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const load = useCallback(() => {
    client
      .call('chat.inspect', { agentId: props.agentId, conversationId: props.conversation.id })
      .then(setView)
      .catch((e: unknown) => setError(toCallError(e)));
  }, [client, props.agentId, props.conversation.id]);
  useEffect(() => {
    load();
    return client.on('agent', ({ agentId, event }) => {
      if (agentId === props.agentId && event.type === 'done') load();
    });
  }, [client, props.agentId, load]);

  return (
    <section className="context-view" aria-labelledby="context-title">
      <div className="row">
        <h2 id="context-title">Context window</h2>
        <span className="muted">of “{props.conversation.name}”</span>
        <button type="button" className="quiet small" onClick={load}>
          Refresh
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {view && (
        <>
          <p data-testid="context-usage">
            {view.used.toLocaleString()} of {view.contextSize.toLocaleString()} tokens used (
            {pct(view.used, view.contextSize)}).{' '}
            <span className="muted">
              {view.counting === 'tokenizer'
                ? `Counted with ${view.modelName}'s tokenizer.`
                : 'Estimated (about four characters a token): no model is loaded to count exactly.'}
            </span>
          </p>
          <p data-testid="context-budget">
            The prompt may take {view.promptBudget.toLocaleString()} tokens (
            {pct(view.used, view.promptBudget)} of that in use); the other{' '}
            {(view.contextSize - view.promptBudget).toLocaleString()} are kept for the reply. When
            the prompt would take more, older messages are summarised out of the window; they stay
            in History.
          </p>
          <div className="context-bar" aria-hidden="true">
            {view.sections
              .filter((s) => s.tokens > 0)
              .map((s) => (
                <div
                  key={s.id}
                  title={`${s.label}: ${s.tokens} tokens`}
                  style={{ width: pct(s.tokens, view.contextSize), background: COLORS[s.id] }}
                />
              ))}
            <div
              className="context-budget-mark"
              title={`Summarised past ${view.promptBudget} tokens; the rest is kept for the reply`}
              style={{ left: pct(view.promptBudget, view.contextSize) }}
            />
          </div>
          <table className="context-table" data-testid="context-sections">
            <caption className="sr-only">Context window by section</caption>
            <thead>
              <tr>
                <th scope="col">Section</th>
                <th scope="col" className="num">
                  Tokens
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {view.sections.map((s) => (
                <tr key={s.id} data-section={s.id}>
                  <th scope="row">
                    <span
                      className="swatch"
                      style={{ background: COLORS[s.id] }}
                      aria-hidden="true"
                    />
                    {s.label}
                    {s.id === 'surfaced' && s.tokens === 0 && (
                      <span className="muted"> (none this turn)</span>
                    )}
                  </th>
                  <td className="num">{s.tokens.toLocaleString()}</td>
                  <td className="num">{pct(s.tokens, view.contextSize)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Compiled prompt</h3>
          <p className="muted">Exactly what the model is sent at the next step, turn by turn.</p>
          <ol className="prompt-turns" data-testid="compiled-prompt">
            {view.prompt.map((turn, i) => (
              <li key={i}>
                <details open={i === 0}>
                  <summary>
                    <strong>{turn.role}</strong>{' '}
                    <span className="muted">{turn.content.length.toLocaleString()} characters</span>
                  </summary>
                  <pre tabIndex={0}>{turn.content}</pre>
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
