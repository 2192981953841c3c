import type { Sql } from '../sql';

/** Small JSON values about the whole database (e.g. which embedder filled the vectors). */
export function createSettingsRepo(sql: Sql) {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const result = await sql.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [
        key,
      ]);
      return result.rows[0]?.value;
    },
    async set(key: string, value: unknown): Promise<void> {
      await sql.query(
        `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [key, JSON.stringify(value)],
      );
    },
  };
}
export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
