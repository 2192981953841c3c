import { paramsJsonSchema, paramsValidator, type Params } from './tool-schema';
import type { ToolDefinition } from './tools/tool';
import { storable } from '../text';

const HEARTBEAT_PARAM: Params = {
  request_heartbeat: {
    type: 'boolean',
    description:
      'true to get another step after this tool runs (for example to act on its result).',
  },
};

/** A tool's parameters as the model sees them, with request_heartbeat where it applies. */
export function toolParams(tool: ToolDefinition): Params {
  return tool.heartbeat ? { ...tool.params, ...HEARTBEAT_PARAM } : tool.params;
}

/**
 * Every step the model answers with exactly one object:
 * {"thinking": "...", "tool": "<name>", "arguments": {...}}. Thinking comes
 * first so the model reasons before it acts; the tool name comes before the
 * arguments so each branch of the grammar knows which arguments follow.
 */
export function stepResponseSchema(tools: readonly ToolDefinition[], maxStringLength?: number) {
  const limit = (schema: Record<string, unknown>): Record<string, unknown> =>
    maxStringLength ? capStrings(schema, maxStringLength) : schema;
  return {
    oneOf: tools.map((tool) =>
      limit({
        type: 'object',
        properties: {
          thinking: { type: 'string' },
          tool: { const: tool.name },
          arguments: paramsJsonSchema(toolParams(tool)),
        },
      }),
    ),
  };
}

export const SUMMARY_SCHEMA = { type: 'object', properties: { summary: { type: 'string' } } };

/**
 * Bounds every string and integer (the tiny test model's random weights would
 * otherwise ramble, or write integers with hundreds of digits).
 */
export function capStrings(schema: Record<string, unknown>, max: number): Record<string, unknown> {
  if (schema.type === 'string') return { ...schema, maxLength: max };
  if (schema.type === 'integer') {
    const { type: _type, ...rest } = schema;
    return { ...rest, enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
  }
  const out: Record<string, unknown> = { ...schema };
  if (schema.properties && typeof schema.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Record<string, unknown>>).map(([k, v]) => [
        k,
        capStrings(v, max),
      ]),
    );
  }
  if (Array.isArray(schema.oneOf))
    out.oneOf = schema.oneOf.map((s: Record<string, unknown>) => capStrings(s, max));
  if (schema.items && typeof schema.items === 'object')
    out.items = capStrings(schema.items as Record<string, unknown>, max);
  return out;
}

export type ParsedStep =
  | {
      ok: true;
      thinking: string;
      tool: ToolDefinition;
      rawArguments: string;
      args: Record<string, unknown>;
      heartbeat: boolean;
    }
  | { ok: false; thinking: string; toolName: string | null; rawArguments: string; error: string };

/**
 * Reads a step reply. Anything wrong (not JSON, unknown tool, bad arguments)
 * becomes an error the model is shown so it can try again.
 */
export function parseStep(text: string, tools: readonly ToolDefinition[]): ParsedStep {
  let value: unknown;
  try {
    // A model's \u escapes can leave half an emoji, which no store takes.
    value = storable(JSON.parse(text));
  } catch {
    return {
      ok: false,
      thinking: '',
      toolName: null,
      rawArguments: '',
      error:
        'Your reply was not valid JSON. Reply with one object: {"thinking": ..., "tool": ..., "arguments": {...}}.',
    };
  }
  const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const thinking = typeof obj.thinking === 'string' ? obj.thinking : '';
  const toolName = typeof obj.tool === 'string' ? obj.tool : null;
  const rawArguments = JSON.stringify(obj.arguments ?? {});
  const tool = tools.find((t) => t.name === toolName);
  if (!tool) {
    return {
      ok: false,
      thinking,
      toolName,
      rawArguments,
      error: `There is no tool named "${toolName ?? ''}". Available tools: ${tools.map((t) => t.name).join(', ')}.`,
    };
  }
  const parsed = paramsValidator(toolParams(tool)).safeParse(obj.arguments ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`)
      .join('; ');
    return {
      ok: false,
      thinking,
      toolName,
      rawArguments,
      error: `Invalid arguments for ${tool.name}: ${problems}.`,
    };
  }
  const args = parsed.data as Record<string, unknown>;
  const heartbeat = args.request_heartbeat === true;
  delete args.request_heartbeat;
  return { ok: true, thinking, tool, rawArguments, args, heartbeat };
}
