import type { Message, ToolCall } from './entities';

function short(value: unknown, max: number): string {
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A tool call's arguments as one readable line: `label: "human", content: "Name: Ada"`.
 * Nulls, empty lists and the loop's own request_heartbeat flag are left out;
 * long values are cut. Arguments that do not parse are shown cut, as they came.
 */
export function toolArgumentsText(call: Pick<ToolCall, 'arguments'>, max = 80): string {
  let args: Record<string, unknown>;
  try {
    const parsed = JSON.parse(call.arguments) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error();
    args = parsed as Record<string, unknown>;
  } catch {
    return short(call.arguments, max);
  }
  return Object.entries(args)
    .filter(([key, value]) => value !== null && value !== undefined && key !== 'request_heartbeat')
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) =>
      typeof value === 'string' ? `${key}: "${short(value, max)}"` : `${key}: ${short(value, max)}`,
    )
    .join(', ');
}

/** A tool call as one readable line: `core_memory_append label: "human", content: "Name: Ada"`. */
export function toolCallLine(call: Pick<ToolCall, 'name' | 'arguments'>, max = 80): string {
  const args = toolArgumentsText(call, max);
  return args ? `${call.name} ${args}` : call.name;
}

/** A tool result's status and message (the loop stores them as JSON). */
export function toolResult(message: Pick<Message, 'content'>): { ok: boolean; message: string } {
  try {
    const parsed = JSON.parse(message.content) as { status?: string; message?: unknown };
    return {
      ok: parsed.status === 'OK',
      message: typeof parsed.message === 'string' ? parsed.message : message.content,
    };
  } catch {
    return { ok: true, message: message.content };
  }
}
