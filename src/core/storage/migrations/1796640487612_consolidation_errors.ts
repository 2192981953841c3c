import type { Migration } from './registry';

/**
 * Why the agent's last consolidation pass failed, kept in the database: held
 * in the process's memory only, it was seen by the app and `locus serve`
 * (the process that ran the pass) but not by a separate `locus status`.
 * One row per agent, replaced by each failure and deleted by the next pass
 * that succeeds.
 */
export const consolidationErrors: Migration = {
  id: '1796640487612_consolidation_errors',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE consolidation_errors (
        agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        message text NOT NULL,
        at timestamptz NOT NULL
      );
    `);
  },
};
