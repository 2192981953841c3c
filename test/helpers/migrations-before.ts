import { migrations } from '../../src/core/storage/migrations/registry';

/**
 * The migrations that run before `id`, in the registry's order: ids are not
 * sorted across branches (a branch's migration may be merged after a newer one).
 */
export function migrationsBefore(id: string): typeof migrations {
  const index = migrations.findIndex((m) => m.id === id);
  if (index < 0) throw new Error(`No migration ${id} in the registry`);
  return migrations.slice(0, index);
}

/** The ids of `id` and every migration the registry runs after it. */
export function migrationIdsFrom(id: string): string[] {
  return migrations.slice(migrationsBefore(id).length).map((m) => m.id);
}
