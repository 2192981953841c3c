import { BUILTIN_TOOLS, DEFAULT_TOOL_RULES } from '../agent/tools';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const present = (value: unknown): boolean =>
  value !== null &&
  value !== undefined &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0) &&
  !(isRecord(value) && Object.keys(value).length === 0);

/** A rule Locus's own loop already follows: send_message ends a turn, searches continue it. */
function honoured(rule: Json): boolean {
  const name = String(rule.tool_name);
  return (
    (rule.type === 'exit_loop' && DEFAULT_TOOL_RULES.terminal.includes(name)) ||
    (rule.type === 'continue_loop' && DEFAULT_TOOL_RULES.continue.includes(name))
  );
}

function describeRule(rule: Json): string {
  const name = String(rule.tool_name);
  switch (rule.type) {
    case 'constrain_child_tools':
    case 'parent_last_tool':
      return `${rule.type} ${name} → ${list(rule.children).join(', ')}`;
    case 'conditional': {
      const mapping = isRecord(rule.child_output_mapping) ? rule.child_output_mapping : {};
      const cases = Object.entries(mapping).map(([out, tool]) => `${out} → ${String(tool)}`);
      return `conditional ${name} (${[...cases, rule.default_child ? `else ${String(rule.default_child)}` : ''].filter(Boolean).join('; ')})`;
    }
    case 'max_count_per_step':
      return `max_count_per_step ${name} ≤ ${String(rule.max_count_limit)}`;
    default:
      return `${String(rule.type)} ${name}`;
  }
}

/**
 * What an import report says about the parts of a Letta file Locus keeps
 * but does not act on, so nobody mistakes "kept" for "honoured". `raw` is the
 * decoded file; the first agent is the one imported.
 */
export function fidelityNotes(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const agents = list(raw.agents).filter(isRecord);
  const agent = agents[0];
  if (!agent) return [];
  const notes: string[] = [];

  if (typeof agent.agent_type === 'string' && agent.agent_type !== 'memgpt_agent') {
    notes.push(
      `Letta agent type "${agent.agent_type}" is kept in the file; Locus runs its own loop (tool calls with heartbeats, ending on send_message).`,
    );
  }
  const rules = list(agent.tool_rules).filter(isRecord);
  const kept = rules.filter((r) => !honoured(r));
  if (kept.length > 0) {
    notes.push(
      `Tool rules kept in the file but not enforced by Locus: ${kept.map(describeRule).join('; ')}.`,
    );
  }
  if (rules.length > kept.length) {
    notes.push(
      `Tool rules Locus follows anyway: ${rules.filter(honoured).map(describeRule).join('; ')}.`,
    );
  }

  const toolsById = new Map(
    list(raw.tools)
      .filter(isRecord)
      .map((t) => [String(t.id), t]),
  );
  const builtin = new Set(BUILTIN_TOOLS.map((t) => t.name));
  const names = list(agent.tool_ids).flatMap((id) => {
    const tool = toolsById.get(String(id));
    return tool ? [String(tool.name)] : [];
  });
  const missing = BUILTIN_TOOLS.map((t) => t.name).filter((name) => !names.includes(name));
  if (names.length > 0 && missing.length > 0) {
    notes.push(
      `The file lists ${names.filter((n) => builtin.has(n)).length} of Locus's ${builtin.size} memory tools; Locus gives the agent all of them while it runs here, and exports only the file's tools.`,
    );
  }

  const unused: string[] = [];
  if (present(agent.description)) unused.push('description');
  if (present(agent.tags)) unused.push(`tags (${list(agent.tags).join(', ')})`);
  if (present(agent.timezone)) unused.push(`timezone (${String(agent.timezone)})`);
  for (const field of [
    'context_window_limit',
    'compaction_settings',
    'response_format',
    'max_tokens',
    'memory_variables',
    'identity_ids',
  ]) {
    if (present(agent[field])) unused.push(field);
  }
  if (agent.enable_sleeptime === true) unused.push('enable_sleeptime');
  if (agent.message_buffer_autoclear === true) unused.push('message_buffer_autoclear');
  const llm = isRecord(agent.llm_config) ? agent.llm_config : null;
  if (llm && present(llm.model)) {
    unused.push(
      `the model ${String(llm.model)} (${String(llm.model_endpoint_type ?? 'unknown endpoint')}; Locus runs a local model, and uses the file's context window and temperature)`,
    );
  }
  const embedding = isRecord(agent.embedding_config) ? agent.embedding_config : null;
  if (embedding && present(embedding.embedding_model)) {
    unused.push(
      `the embedding model ${String(embedding.embedding_model)} (Locus embeds with its own)`,
    );
  }
  if (unused.length > 0) notes.push(`Kept in the file, not used by Locus: ${unused.join('; ')}.`);

  const others = agents.slice(1);
  const groups = list(raw.groups).filter(isRecord);
  if (others.length > 0 || groups.length > 0) {
    const parts = [
      ...others.map((a) => `agent "${String(a.name)}" (${String(a.agent_type ?? 'agent')})`),
      ...groups.map((g) => {
        const manager = isRecord(g.manager_config) ? g.manager_config.manager_type : null;
        return `group "${String(g.description ?? g.id)}"${manager ? ` (${String(manager)})` : ''}`;
      }),
    ];
    notes.push(
      `Only the first agent was imported; kept in the file for export, not run: ${parts.join(', ')}.`,
    );
  }

  const messages = list(agent.messages).filter(isRecord);
  const withReturns = messages.filter((m) => present(m.tool_returns)).length;
  if (withReturns > 0) {
    notes.push(
      `Tool return details (status, stdout, stderr) of ${withReturns} message${withReturns === 1 ? '' : 's'} are kept for export; Locus shows the tool message's text.`,
    );
  }
  const richParts = messages.filter((m) =>
    list(m.content).some((part) => isRecord(part) && part.type !== 'text'),
  ).length;
  if (richParts > 0) {
    notes.push(
      `${richParts} message${richParts === 1 ? ' has' : 's have'} parts Locus shows as text only (reasoning, images…); the originals are kept for export.`,
    );
  }
  const extras = ['files', 'sources', 'mcp_servers']
    .map((key) => [key, list(raw[key]).length] as const)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${n} ${key.replace('_', ' ')}`);
  if (extras.length > 0) notes.push(`Kept in the file, not used by Locus: ${extras.join(', ')}.`);
  return notes;
}
