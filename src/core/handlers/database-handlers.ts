import type { DatabaseInfo, Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { parseDatabaseUrl } from '../storage/backends/database-url';
import {
  checkAndSaveDatabaseUrl,
  readSavedDatabaseUrl,
  type DatabaseSource,
} from '../storage/database-setting';
import type { Database } from '../storage/open-database';

export interface DatabaseHandlerDeps {
  database: Database;
  /** Where the setting is saved; null for a core without a data folder. */
  dataDir: string | null;
  /** The server this core opened, or null for the embedded database. */
  currentUrl: string | null;
  source: DatabaseSource;
}

/** The database setting (the app's "Memory database" control and `locus db use`). */
export function createDatabaseHandlers(
  deps: DatabaseHandlerDeps,
): Pick<Handlers, 'database.get' | 'database.set'> {
  function info(): DatabaseInfo {
    const saved = deps.dataDir ? readSavedDatabaseUrl(deps.dataDir) : null;
    // --database and LOCUS_DATABASE_URL win over the setting at every start.
    const next = deps.source === 'flag' || deps.source === 'env' ? deps.currentUrl : saved;
    return {
      backend: deps.database.backend,
      location: deps.database.location,
      source: deps.source,
      saved: saved ? parseDatabaseUrl(saved).display : null,
      restartRequired: (next ?? null) !== deps.currentUrl,
    };
  }

  return {
    'database.get': async () => info(),
    'database.set': async ({ url }) => {
      if (!deps.dataDir) {
        throw new LocusError(
          'INVALID_INPUT',
          'This Locus runs without a data folder, so there is nowhere to keep the setting.',
        );
      }
      await checkAndSaveDatabaseUrl(deps.dataDir, url);
      return info();
    },
  };
}
