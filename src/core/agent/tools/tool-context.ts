import type { Clock } from '../../clock';
import type { ArchivalMemory } from '../../memory/archival-memory';
import type { CoreMemory } from '../../memory/core-memory';
import type { RecallMemory } from '../../memory/recall-memory';

/** What a tool may touch: memory of one agent, nothing else (no files, no network). */
export interface ToolContext {
  agentId: string;
  coreMemory: CoreMemory;
  archival: ArchivalMemory;
  recall: RecallMemory;
  clock: Clock;
  /** The user message that started this turn, recorded as the source of archival inserts. */
  sourceMessageId: string | null;
  /**
   * False in a conversation the user asked not to remember: memory tools
   * then save nothing. Defaults to true.
   */
  remember?: boolean;
}
