import type { Handlers } from '../../shared/contract';
import type { Agent } from '../../shared/entities';
import { LocusError } from '../../shared/errors';

/**
 * The agent a client names, by id or by name; the default agent when it
 * names none. Every external interface (CLI, MCP, OpenAI, Letta) picks agents
 * this way, so a name means the same agent everywhere.
 */
export async function findAgent(handlers: Handlers, wanted: string | undefined): Promise<Agent> {
  const name = wanted?.trim();
  if (!name) return handlers['agents.getDefault']({});
  const agents = await handlers['agents.list']({});
  const found = agents.find((a) => a.id === name) ?? agents.find((a) => a.name === name);
  if (!found) {
    const names = agents.map((a) => a.name).join(', ') || 'none yet';
    throw new LocusError('AGENT_NOT_FOUND', `No agent named "${name}". Agents: ${names}.`, {
      agent: name,
    });
  }
  return found;
}
