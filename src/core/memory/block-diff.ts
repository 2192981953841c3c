import { quote } from '../storage/repos/activity-repo';

/** Lines of a block value; an empty block has none. */
export function linesOf(value: string): string[] {
  return value.length === 0 ? [] : value.split('\n');
}

/** Lines of `a` not matched by a line of `b` (each line of b matches once). */
export function linesMissing(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const line of b) left.set(line, (left.get(line) ?? 0) + 1);
  const missing: string[] = [];
  for (const line of a) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else missing.push(line);
  }
  return missing;
}

/** The lines a change added and removed. */
export function lineChanges(before: string, after: string): { added: string[]; removed: string[] } {
  const a = linesOf(before);
  const b = linesOf(after);
  return { added: linesMissing(b, a), removed: linesMissing(a, b) };
}

const more = (n: number) => (n > 0 ? ` and ${n} more line${n === 1 ? '' : 's'}` : '');

/** What a block change did, for the activity feed. */
export function describeBlockChange(label: string, before: string, after: string): string {
  const { added, removed } = lineChanges(before, after);
  const [a, r] = [added.filter((l) => l.trim()), removed.filter((l) => l.trim())];
  if (a.length === 1 && r.length === 1)
    return `Changed ${label}: ${quote(r[0]!)} → ${quote(a[0]!)}`;
  if (r.length === 0 && a.length > 0)
    return `Added to ${label}: ${quote(a[0]!)}${more(a.length - 1)}`;
  if (a.length === 0 && r.length > 0)
    return `Removed from ${label}: ${quote(r[0]!)}${more(r.length - 1)}`;
  if (a.length === 0 && r.length === 0) return `Reformatted ${label}`;
  return `Rewrote ${label}: added ${quote(a[0]!)}${more(a.length - 1)}; removed ${quote(r[0]!)}${more(r.length - 1)}`;
}

/**
 * Undoes one change (before -> after) on a block that may have changed since:
 * the lines it added are taken out and the lines it removed put back where
 * they were. Null when that is impossible (a line it added is gone).
 */
export function revertChange(current: string, before: string, after: string): string | null {
  if (current === after) return before;
  const { added, removed } = lineChanges(before, after);
  const lines = linesOf(current);
  for (const line of added) {
    const at = lines.indexOf(line);
    if (at < 0) return null;
    lines.splice(at, 1);
  }
  const beforeLines = linesOf(before);
  for (const line of removed) {
    // Back after the line that preceded it, or at its old position.
    const index = beforeLines.indexOf(line);
    const previous = index > 0 ? beforeLines[index - 1] : undefined;
    const anchor = previous === undefined ? -1 : lines.indexOf(previous);
    const at = anchor >= 0 ? anchor + 1 : Math.min(Math.max(index, 0), lines.length);
    lines.splice(at, 0, line);
  }
  return lines.join('\n');
}
