import type { Migration } from './registry';

/** Tables whose writes other Locus processes want to hear about, and which writes. */
const WATCHED: Array<{ table: string; events: string; agent: string }> = [
  { table: 'agents', events: 'INSERT OR UPDATE OR DELETE', agent: 'id' },
  { table: 'blocks', events: 'INSERT OR UPDATE OR DELETE', agent: 'agent_id' },
  // Not the background embedding of old rows (UPDATE of embedding): only what a person would see.
  {
    table: 'passages',
    events: 'INSERT OR DELETE OR UPDATE OF text, tags, superseded_by, valid_until',
    agent: 'agent_id',
  },
  { table: 'messages', events: 'INSERT OR DELETE', agent: 'agent_id' },
  { table: 'conversations', events: 'INSERT OR UPDATE OR DELETE', agent: 'agent_id' },
  // The activity feed (consolidation, undo, forget done by another device).
  { table: 'memory_activity', events: 'INSERT OR UPDATE', agent: 'agent_id' },
];

/**
 * Several Locus processes may share one PostgreSQL server; each UI should
 * see the others' memory edits without reloading. These triggers NOTIFY
 * `locus_changes` with the table, the agent and the writing process's id
 * (session setting locus.instance), after commit, once per distinct payload
 * per transaction. Only sessions that set locus.notify = 'on' (server
 * connections, backends/open-server.ts) pay for it: on PGlite the WHEN
 * condition is false and no function runs.
 */
export const changeNotifications: Migration = {
  id: '1796531494179_change_notifications',
  async up(sql) {
    for (const { table, events, agent } of WATCHED) {
      await sql.exec(`
        CREATE FUNCTION locus_notify_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('locus_changes', json_build_object(
            't', TG_TABLE_NAME,
            'a', CASE WHEN TG_OP = 'DELETE' THEN OLD.${agent} ELSE NEW.${agent} END,
            'o', current_setting('locus.instance', true))::text);
          RETURN NULL;
        END $$;
        CREATE TRIGGER ${table}_notify AFTER ${events} ON ${table}
          FOR EACH ROW WHEN (current_setting('locus.notify', true) = 'on')
          EXECUTE FUNCTION locus_notify_${table}();
      `);
    }
  },
};
