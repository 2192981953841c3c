import type { Sql } from '../sql';

export interface InertTool {
  name: string;
  toolType: string;
  /** The tool exactly as the file described it (code included, never run). */
  record: Record<string, unknown>;
}

export function createInertToolsRepo(sql: Sql) {
  return {
    async insert(agentId: string, tool: InertTool): Promise<void> {
      await sql.query(
        `INSERT INTO inert_tools (agent_id, name, tool_type, record) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (agent_id, name) DO UPDATE SET tool_type = EXCLUDED.tool_type, record = EXCLUDED.record`,
        [agentId, tool.name, tool.toolType, JSON.stringify(tool.record)],
      );
    },
    async list(agentId: string): Promise<InertTool[]> {
      const result = await sql.query<{
        name: string;
        tool_type: string;
        record: Record<string, unknown>;
      }>(`SELECT name, tool_type, record FROM inert_tools WHERE agent_id = $1 ORDER BY name`, [
        agentId,
      ]);
      return result.rows.map((r) => ({ name: r.name, toolType: r.tool_type, record: r.record }));
    },
  };
}
