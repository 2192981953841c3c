import type { Migration } from './registry';

/**
 * What an imported Agent File said that Locus does not act on (Letta's agent
 * type, tool rules, tool records, groups, other agents, message details...),
 * kept per agent so an export gives it back unchanged.
 */
export const agentFileRecords: Migration = {
  id: '1796537536936_agent_file_records',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE agent_file_records (
        agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        record jsonb NOT NULL
      );
    `);
  },
};
