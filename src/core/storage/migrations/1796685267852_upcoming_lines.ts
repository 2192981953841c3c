import type { Migration } from './registry';

/**
 * upcoming_lines: a change told before it happens ("I am moving to Lyon next
 * month") is written to the human block as an upcoming line ("Lives in Lyon
 * (from 2027-01)") beside the line it will replace, which stays current. The
 * block's text cannot say which line that is, so this row does: when its
 * date arrives the upcoming line becomes current and the line it replaces
 * becomes a past fact. The row goes once the change has taken effect (or
 * its line is gone), so it takes effect once.
 */
export const upcomingLines: Migration = {
  id: '1796685267852_upcoming_lines',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE upcoming_lines (
        id bigserial PRIMARY KEY,
        block_id text NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
        line text NOT NULL,
        replaces text,
        starts_at timestamptz NOT NULL,
        message_id text
      );
      CREATE INDEX upcoming_lines_block ON upcoming_lines (block_id, starts_at);
    `);
  },
};
