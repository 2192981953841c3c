/** A change told before it happens that a consolidation pass made current. */
export interface TookEffectChange {
  /** The line now current ("Lives in Lyon"). */
  line: string;
  /** The line it replaced, now a past fact; null if it replaced none. */
  replaced: string | null;
}

/**
 * How a consolidation run reports changes whose date had come (CLI and app
 * alike): '1 upcoming change took effect: "Lives in Lyon", in place of
 * "Lives in Paris".' or null when none did. Without it a run that changed
 * the block said "Nothing new to consolidate".
 */
export function tookEffectSentence(changes: readonly TookEffectChange[]): string | null {
  if (changes.length === 0) return null;
  const each = changes.map(
    (c) => `"${c.line}"${c.replaced !== null ? `, in place of "${c.replaced}"` : ''}`,
  );
  const count = changes.length === 1 ? '1 upcoming change' : `${changes.length} upcoming changes`;
  return `${count} took effect: ${each.join('; ')}.`;
}
