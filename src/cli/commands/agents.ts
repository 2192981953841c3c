import readline from 'node:readline/promises';
import type { Handlers } from '../../shared/contract';
import { call } from '../../core/host/call';
import type { Agent } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { ParsedCli } from '../args';
import type { Output } from '../output';

/** An agent by exact id or name; the error lists the names there are. */
export async function findAgent(core: { handlers: Handlers }, wanted: string): Promise<Agent> {
  const agents = await call(core.handlers, 'agents.list', {});
  const found = agents.find((a) => a.id === wanted || a.name === wanted);
  if (!found) {
    const names = agents.map((a) => a.name).join(', ') || 'none yet';
    throw new LocusError('AGENT_NOT_FOUND', `No agent named "${wanted}". Agents: ${names}.`);
  }
  return found;
}

function need(value: string | undefined, usage: string): string {
  if (!value?.trim()) throw new LocusError('INVALID_INPUT', `Usage: ${usage}`);
  return value.trim();
}

/** Asks on a terminal; refuses (and says how to confirm) when there is none. */
async function confirmDeletion(agent: Agent, cli: ParsedCli, output: Output): Promise<void> {
  if (cli.values.yes) return;
  const exportHint = `Export it first if you may want it back: locus export --agent "${agent.name}" --out "${agent.name}.af"`;
  if (!process.stdin.isTTY) {
    throw new LocusError(
      'INVALID_INPUT',
      `Deleting "${agent.name}" removes its memory and conversations for good. ${exportHint}. Then run again with --yes.`,
    );
  }
  output.err(exportHint);
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const typed = await rl.question(`Type the agent's name (${agent.name}) to delete it: `);
    if (typed.trim() !== agent.name) {
      throw new LocusError('CANCELLED', 'Not deleted: the name did not match.');
    }
  } finally {
    rl.close();
  }
}

/** `locus agents …`: list, templates, create, use, rename, delete. */
export async function agentsCommand(
  core: { handlers: Handlers },
  cli: ParsedCli,
  output: Output,
): Promise<void> {
  const [, sub = 'list', ...rest] = cli.positionals;
  const h = core.handlers;
  switch (sub) {
    case 'list': {
      // First: on a new data folder it creates the first agent.
      const current = await call(h, 'agents.getDefault', {});
      const agents = await call(h, 'agents.list', {});
      if (output.json) {
        output.out(JSON.stringify(agents.map((a) => ({ ...a, default: a.id === current.id }))));
        return;
      }
      for (const a of agents) {
        const model = a.model.modelPath ? ` · ${a.model.modelPath}` : '';
        output.out(`${a.id === current.id ? '*' : ' '} ${a.name}  (${a.id}${model})`);
      }
      output.out('\n* opens by default; switch with "locus agents use <name>".');
      return;
    }
    case 'templates': {
      const templates = await call(h, 'agents.templates', {});
      output.out(
        output.json
          ? JSON.stringify(templates)
          : templates.map((t) => `${t.id.padEnd(10)} ${t.name}: ${t.description}`).join('\n'),
      );
      return;
    }
    case 'create': {
      const name = need(rest.join(' '), 'locus agents create <name> [--template <id>]');
      const agent = await call(h, 'agents.create', {
        name,
        ...(cli.values.template ? { template: cli.values.template } : {}),
      });
      output.out(
        output.json
          ? JSON.stringify(agent)
          : `Created ${agent.name}. Talk to it with: locus chat --agent "${agent.name}" (or make it the default: locus agents use "${agent.name}")`,
      );
      return;
    }
    case 'use': {
      const agent = await findAgent(core, need(rest.join(' '), 'locus agents use <name|id>'));
      await call(h, 'agents.setDefault', { agentId: agent.id });
      output.out(output.json ? JSON.stringify(agent) : `${agent.name} now opens by default.`);
      return;
    }
    case 'rename': {
      const [from, ...to] = rest;
      const agent = await findAgent(core, need(from, 'locus agents rename <name|id> <new name>'));
      const renamed = await call(h, 'agents.update', {
        agentId: agent.id,
        name: need(to.join(' '), 'locus agents rename <name|id> <new name>'),
      });
      output.out(
        output.json ? JSON.stringify(renamed) : `Renamed ${agent.name} to ${renamed.name}.`,
      );
      return;
    }
    case 'delete': {
      const agent = await findAgent(
        core,
        need(rest.join(' '), 'locus agents delete <name|id> [--yes]'),
      );
      await confirmDeletion(agent, cli, output);
      await call(h, 'agents.delete', { agentId: agent.id });
      output.out(output.json ? JSON.stringify({ deleted: agent.id }) : `Deleted ${agent.name}.`);
      return;
    }
    default:
      throw new LocusError(
        'INVALID_INPUT',
        `Unknown agents command "${sub}". Use list, templates, create, use, rename or delete.`,
      );
  }
}
