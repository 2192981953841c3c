import {
  MemorySettingsSchema,
  ModelSettingsSchema,
  type Agent,
  type MemorySettings,
  type ModelSettings,
  type NewBlock,
} from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import {
  DEFAULT_AGENT_NAME,
  DEFAULT_BLOCKS,
  DEFAULT_SYSTEM_PROMPT,
} from '../agent/default-prompts';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { displayName } from '../text';
import {
  createAgentsRepo,
  type AgentRow,
  type AgentStepState as StoredStepState,
} from '../storage/repos/agents-repo';
import { createBlocksRepo } from '../storage/repos/blocks-repo';
import { createSettingsRepo } from '../storage/repos/settings-repo';
import type { Db } from '../storage/sql';
import type { Conversations } from './conversations';
import type { CoreMemory } from './core-memory';

export interface AgentsOptions {
  db: Db;
  clock: Clock;
  coreMemory: CoreMemory;
  conversations: Conversations;
}

export interface NewAgent {
  name: string;
  /** Defaults to Locus's memory-teaching prompt. */
  system?: string;
  model?: Partial<ModelSettings>;
  memory?: Partial<MemorySettings>;
  /** Defaults to persona + human. */
  blocks?: NewBlock[];
}

/** What an agent step reads before compiling its context: the repo's read, blocks inside the agent. */
export type AgentStepState = Omit<StoredStepState, 'agent' | 'blocks'> & { agent: Agent };

export interface AgentPatch {
  name?: string;
  system?: string;
  model?: Partial<ModelSettings>;
  memory?: Partial<MemorySettings>;
}

/** The agent hosts open when none is named (chosen with agents.setDefault). */
const DEFAULT_AGENT_SETTING = 'default_agent';

function notFound(id: string): LocusError {
  return new LocusError(
    'AGENT_NOT_FOUND',
    `No agent has id "${id}". List agents to see which exist.`,
    { id },
  );
}

/** Agents and their blocks; creation and deletion are single transactions. */
export function createAgents(options: AgentsOptions) {
  const { db, clock, coreMemory, conversations } = options;
  const repo = createAgentsRepo(db);

  async function withBlocks(row: AgentRow): Promise<Agent> {
    return { ...row, blocks: await createBlocksRepo(db).listByAgent(row.id) };
  }

  async function get(id: string): Promise<Agent> {
    const row = await repo.get(id);
    if (!row) throw notFound(id);
    return withBlocks(row);
  }

  async function create(input: NewAgent): Promise<Agent> {
    const name = displayName(input.name);
    if (!name) throw new LocusError('INVALID_INPUT', 'An agent needs a name.', { field: 'name' });
    if (await repo.getByName(name)) {
      throw new LocusError(
        'AGENT_NAME_TAKEN',
        `An agent named "${name}" already exists; pick another name.`,
        {
          name,
        },
      );
    }
    const at = clock.now().toISOString();
    const row: AgentRow = {
      id: newId('agent'),
      name,
      system: input.system ?? DEFAULT_SYSTEM_PROMPT,
      model: ModelSettingsSchema.parse(input.model ?? {}),
      memory: MemorySettingsSchema.parse(input.memory ?? {}),
      createdAt: at,
      updatedAt: at,
    };
    await db.transaction(async (tx) => {
      await createAgentsRepo(tx).insert(row);
      for (const block of input.blocks ?? DEFAULT_BLOCKS)
        await coreMemory.create(row.id, block, tx);
      await conversations.create(row.id, undefined, tx);
    });
    return get(row.id);
  }

  return {
    create,
    get,
    /** The agent with one conversation's context ids and the agent's memory counts, in one read. */
    async getStepState(id: string, conversationId: string): Promise<AgentStepState> {
      const state = await repo.stepState(id, conversationId);
      if (!state) throw notFound(id);
      return {
        agent: { ...state.agent, blocks: state.blocks },
        contextIds: state.contextIds,
        rewrites: state.rewrites,
        counts: state.counts,
      };
    },
    async count(): Promise<number> {
      return (await repo.list()).length;
    },
    async list(): Promise<Agent[]> {
      return Promise.all((await repo.list()).map(withBlocks));
    },
    /** The agent last chosen as default, else the first one, created with defaults on first run. */
    async getOrCreateDefault(): Promise<Agent> {
      const chosen = await createSettingsRepo(db).get<string>(DEFAULT_AGENT_SETTING);
      const row = chosen ? await repo.get(chosen) : undefined;
      if (row) return withBlocks(row);
      const [first] = await repo.list();
      if (first) return withBlocks(first);
      try {
        return await create({ name: DEFAULT_AGENT_NAME });
      } catch (error) {
        // Another process sharing the server created it at the same moment.
        const [created] = await repo.list();
        if (created) return withBlocks(created);
        throw error;
      }
    },
    /** Makes an agent the one every host opens when none is named. */
    async setDefault(id: string): Promise<Agent> {
      const agent = await get(id);
      await createSettingsRepo(db).set(DEFAULT_AGENT_SETTING, id);
      return agent;
    },
    async update(id: string, patch: AgentPatch): Promise<Agent> {
      const current = await get(id);
      const name = patch.name === undefined ? undefined : displayName(patch.name);
      if (name !== undefined && name !== current.name && (await repo.getByName(name))) {
        throw new LocusError(
          'AGENT_NAME_TAKEN',
          `An agent named "${name}" already exists; pick another name.`,
          {
            name,
          },
        );
      }
      const model = patch.model
        ? ModelSettingsSchema.parse({ ...current.model, ...patch.model })
        : undefined;
      const memory = patch.memory
        ? MemorySettingsSchema.parse({ ...current.memory, ...patch.memory })
        : undefined;
      await repo.update(
        id,
        {
          ...(name ? { name } : {}),
          ...(patch.system !== undefined ? { system: patch.system } : {}),
          ...(model ? { model } : {}),
          ...(memory ? { memory } : {}),
        },
        clock.now().toISOString(),
      );
      return get(id);
    },
    async remove(id: string): Promise<void> {
      if (!(await repo.delete(id))) throw notFound(id);
    },
  };
}
export type Agents = ReturnType<typeof createAgents>;
