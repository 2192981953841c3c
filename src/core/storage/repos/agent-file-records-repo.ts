import type { Sql } from '../sql';

/** The parts of an imported Agent File Locus keeps only to write them back (see carried-record.ts). */
export function createAgentFileRecordsRepo(sql: Sql) {
  return {
    async set(agentId: string, record: unknown): Promise<void> {
      await sql.query(
        `INSERT INTO agent_file_records (agent_id, record) VALUES ($1, $2::jsonb)
         ON CONFLICT (agent_id) DO UPDATE SET record = EXCLUDED.record`,
        [agentId, JSON.stringify(record)],
      );
    },
    async get(agentId: string): Promise<unknown> {
      const result = await sql.query<{ record: unknown }>(
        'SELECT record FROM agent_file_records WHERE agent_id = $1',
        [agentId],
      );
      return result.rows[0]?.record;
    },
  };
}
