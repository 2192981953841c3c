import { randomUUID } from 'node:crypto';

/** Letta-style prefixed ids ("agent-…", "block-…") so an id says what it names. */
export function newId(
  prefix:
    | 'agent'
    | 'block'
    | 'passage'
    | 'message'
    | 'tool'
    | 'call'
    | 'capture'
    | 'conversation'
    | 'batch',
): string {
  return `${prefix}-${randomUUID()}`;
}
