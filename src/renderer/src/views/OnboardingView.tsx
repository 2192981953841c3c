import type { Status } from '../../../shared/contract';
import type { Agent } from '../../../shared/entities';
import { EmbedderSection } from './EmbedderSection';
import { LanguageModelSection } from './LanguageModelSection';

/**
 * The first-run screen: what Locus needs (a language model, downloaded once,
 * then offline; the sentence model that finds memories by meaning comes
 * with it), with progress, and what already works without the language model.
 */
export function OnboardingView(props: {
  agent: Agent;
  status: Status | null;
  onStatusChanged: () => void;
  onDone: () => void;
}): React.JSX.Element {
  const hasModel = Boolean(props.status?.model);
  const hasEmbedder = props.status?.embedder.kind === 'model';
  return (
    <main className="onboarding" id="main">
      <h1>Welcome to Locus</h1>
      <p className="lead">
        Locus is an assistant that runs entirely on this computer and remembers what you tell it. It
        needs a language model, downloaded once; after that, Locus works offline and nothing you say
        leaves this computer. The model that finds memories by meaning comes with Locus.
      </p>
      <section className="step" aria-labelledby="step-llm">
        <h2 id="step-llm">
          1. A language model <span className="muted">— writes the replies</span>{' '}
          {hasModel && <span className="badge ok">ready</span>}
        </h2>
        <p className="muted">
          Pick a recommended one (about 1–2.5 GB), or a <code>.gguf</code> file you already have.
        </p>
        <LanguageModelSection agent={props.agent} onLoaded={props.onStatusChanged} />
      </section>
      <section className="step" aria-labelledby="step-embedder">
        <h2 id="step-embedder">
          2. An embedding model <span className="muted">— finds memories by meaning</span>{' '}
          {hasEmbedder && <span className="badge ok">ready</span>}
        </h2>
        <EmbedderSection status={props.status} onChanged={props.onStatusChanged} />
      </section>
      <section className="step" aria-labelledby="step-now">
        <h2 id="step-now">What works before the language model is here</h2>
        <ul>
          <li>Memory: write notes and core memory, and search them by their words and meaning.</li>
          <li>Files: import and export agents (Letta’s .af format), Markdown, backups.</li>
          <li>Quick notes from the tray or with “locus capture”.</li>
          <li>
            Chat needs the language model:{' '}
            {hasModel ? 'it is ready.' : 'until then a message gets no reply.'}
          </li>
        </ul>
      </section>
      <div className="row end">
        <button type="button" onClick={props.onDone}>
          {hasModel ? 'Start chatting' : 'Skip for now'}
        </button>
      </div>
    </main>
  );
}
