import type { Migration } from './registry';

/**
 * Tools that arrive in imported agent files but that Locus does not
 * implement: kept as inert records (never executed) so a re-export gives
 * them back.
 */
export const inertTools: Migration = {
  id: '1764100000000_inert_tools',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE inert_tools (
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        name text NOT NULL,
        tool_type text NOT NULL,
        record jsonb NOT NULL,
        PRIMARY KEY (agent_id, name)
      );
    `);
  },
};
