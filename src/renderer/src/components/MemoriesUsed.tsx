import type { Message } from '../../../shared/entities';
import { localMonth } from '../../../shared/local-time';
import { parseSurfacedBlock } from '../../../shared/surfaced-memories';
import { when } from './format';

/**
 * What memory surfacing gave a reply (a message of kind "memories"), folded
 * under the reply: each memory with its date and where it came from.
 */
export function MemoriesUsed(props: { message: Message }): React.JSX.Element | null {
  const block = parseSurfacedBlock(props.message.content);
  if (!block || block.items.length === 0) return null;
  return (
    <details
      className="memories-used"
      data-seq={props.message.seq}
      // Opened under the last reply, the list would unfold below the fold of
      // the scrolled chat: bring it into view.
      onToggle={(event) => {
        if (event.currentTarget.open) event.currentTarget.scrollIntoView?.({ block: 'nearest' });
      }}
    >
      <summary>
        Memories used <span className="muted">({block.items.length})</span>
      </summary>
      <ul>
        {block.items.map((item) => (
          <li key={item.id}>
            <span className="muted">
              {when(item.at)} · {item.source}
              {/* A fact's end is a local midnight: its month in the user's zone. */}
              {item.until ? ` · true until ${localMonth(item.until)}` : ''}
              {item.speaker ? ` · ${item.speaker}` : ''}
            </span>{' '}
            {item.text}
          </li>
        ))}
      </ul>
    </details>
  );
}
