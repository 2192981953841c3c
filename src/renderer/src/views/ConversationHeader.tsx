import { useState } from 'react';
import type { Conversation } from '../../../shared/entities';
import type { CallError } from '../api/client';
import { useClient } from '../api/context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { RenameForm } from '../components/RenameForm';
import { ErrorNotice, toCallError } from '../components/ErrorNotice';

/**
 * The conversation's name, with rename and delete (the agent's memory
 * stays), and "don't remember": the conversation kept out of memory.
 */
export function ConversationHeader(props: {
  conversation: Conversation;
  busy: boolean;
  onRename: (name: string) => Promise<void>;
  onDelete: () => Promise<void>;
}): React.JSX.Element {
  const { conversation } = props;
  const client = useClient();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const act = (work: () => Promise<void>) => {
    setError(null);
    work().catch((e: unknown) => setError(toCallError(e)));
  };
  return (
    <header className="conversation-header">
      {renaming === null ? (
        <div className="row">
          <h2 id="conversation-title">{conversation.name}</h2>
          <button
            type="button"
            className="quiet small"
            onClick={() => setRenaming(conversation.name)}
          >
            Rename<span className="sr-only"> conversation</span>
          </button>
          <button
            type="button"
            className="quiet small"
            disabled={props.busy}
            onClick={() => setDeleting(true)}
          >
            Delete<span className="sr-only"> conversation</span>
          </button>
          {/* The list of conversations reloads on the memory event this call
              sends, so the state shown is the stored one. */}
          <button
            type="button"
            className="quiet small"
            aria-pressed={!conversation.remember}
            title={
              conversation.remember
                ? 'Keep what is said here as history only: not consolidated, embedded or searched for the model'
                : 'Let memory use this conversation again'
            }
            onClick={() =>
              act(async () => {
                await client.call('conversations.setRemember', {
                  conversationId: conversation.id,
                  remember: !conversation.remember,
                });
              })
            }
          >
            {conversation.remember ? (
              <>
                Don’t remember<span className="sr-only"> this conversation</span>
              </>
            ) : (
              <>
                Remember<span className="sr-only"> this conversation</span> again
              </>
            )}
          </button>
        </div>
      ) : (
        <RenameForm
          initial={renaming}
          label="Conversation name"
          onCancel={() => setRenaming(null)}
          onSave={(name) =>
            act(async () => {
              await props.onRename(name);
              setRenaming(null);
            })
          }
        >
          <h2 id="conversation-title" className="sr-only">
            {conversation.name}
          </h2>
        </RenameForm>
      )}
      {!conversation.remember && (
        <p className="muted not-remembered" data-testid="not-remembered">
          Not remembered: what is said here stays in history, but memory does not keep it, and the
          agent neither sees it in searches nor saves from it.
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${conversation.name}”?`}
          confirmLabel="Delete conversation"
          danger
          onCancel={() => setDeleting(false)}
          onConfirm={() =>
            act(async () => {
              setDeleting(false);
              await props.onDelete();
            })
          }
        >
          <p>
            What was said in it is deleted for good. The agent keeps its core and archival memory,
            and its other conversations.
          </p>
        </ConfirmDialog>
      )}
    </header>
  );
}
