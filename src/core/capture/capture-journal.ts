import fs from 'node:fs';
import { fileSystemError, writeAllSync } from '../storage/durable-files';

export interface JournalEntry {
  id: string;
  agentId: string;
  text: string;
  createdAt: string;
  source: string;
  tags?: string[];
}

type Line = { type: 'capture'; entry: JournalEntry } | { type: 'done'; id: string };

/**
 * An append-only, fsynced log of quick captures. PGlite never fsyncs, so a
 * capture counts as saved only once its line is on disk here; the database
 * copy is made right after and any capture without a "done" line is replayed
 * on the next start. A torn last line (power cut mid-write) is ignored: its
 * capture was never acknowledged.
 */
export class CaptureJournal {
  constructor(private readonly file: string) {}

  private write(line: Line): void {
    try {
      this.appendLine(line);
    } catch (error) {
      throw fileSystemError(error, this.file);
    }
  }

  private appendLine(line: Line): void {
    const fd = fs.openSync(this.file, 'a', 0o600);
    try {
      // A line that follows a torn one must still start on its own line.
      // Every byte, or an error: a short write must not be acknowledged.
      writeAllSync(fd, `\n${JSON.stringify(line)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  append(entry: JournalEntry): void {
    this.write({ type: 'capture', entry });
  }

  markDone(id: string): void {
    this.write({ type: 'done', id });
  }

  /** Captures written but not yet confirmed in the database, oldest first. */
  pending(): JournalEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const open = new Map<string, JournalEntry>();
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue;
      }
      if (line.type === 'capture') open.set(line.entry.id, line.entry);
      else if (line.type === 'done') open.delete(line.id);
    }
    return [...open.values()];
  }

  /** Drops confirmed lines once nothing is pending, so the file stays small. */
  compact(): void {
    if (this.pending().length === 0) fs.rmSync(this.file, { force: true });
  }
}
