import type { Block } from '../../shared/entities';
import type { ArchivalMemory } from '../memory/archival-memory';
import type { CoreMemory, EditOptions } from '../memory/core-memory';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import type { Sql } from '../storage/sql';

export interface ReplaceKeepingPastInput {
  agentId: string;
  block: Block;
  oldLine: string;
  newLine: string;
  /** When the old line stopped being true. */
  until: string;
  edit: EditOptions & { tx: Sql };
}

/**
 * Replaces a block line by the one that corrects it, by consolidation. The
 * old line stays, as a past fact in archival memory linked to the block and
 * ending at `until`: one change with the correction, undone with it. It is
 * dated when it was written: dated by the correction, surfacing would show
 * it as said after what replaced it.
 */
export async function replaceKeepingPast(
  deps: { coreMemory: CoreMemory; archival: ArchivalMemory },
  input: ReplaceKeepingPastInput,
): Promise<void> {
  const { agentId, block, oldLine, edit } = input;
  const written = (await createBlocksRepo(edit.tx).lineTimes(block.id)).get(oldLine);
  const past = await deps.archival.insert(
    agentId,
    {
      text: oldLine,
      tags: ['past', block.label],
      source: { kind: 'block', ref: block.label },
      supersededBy: block.id,
      validUntil: input.until,
      ...(written ? { createdAt: written } : {}),
    },
    { tx: edit.tx, record: false },
  );
  await deps.coreMemory.replaceLine(agentId, block.label, oldLine, input.newLine, 'consolidation', {
    ...edit,
    alsoUndo: [...(edit.alsoUndo ?? []), { type: 'passage.insert', passageIds: [past.id] }],
  });
}
