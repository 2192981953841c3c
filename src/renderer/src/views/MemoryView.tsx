import { ArchivalView } from './ArchivalView';
import { CoreBlocksView } from './CoreBlocksView';

/** Core and archival memory side by side (stacked on narrow windows). */
export function MemoryView(props: { agentId: string }): React.JSX.Element {
  return (
    <div className="memory">
      <CoreBlocksView agentId={props.agentId} />
      <ArchivalView agentId={props.agentId} />
    </div>
  );
}
