import { looksLikeDatabaseUrl } from '../../core/storage/backends/database-url';
import { copyDatabase } from '../../core/storage/copy-database';
import { checkAndSaveDatabaseUrl } from '../../core/storage/database-setting';
import { openDatabase, type Database } from '../../core/storage/open-database';
import { LocusError } from '../../shared/errors';
import type { ParsedCli } from '../args';
import type { Output } from '../output';
import { progressPrinter } from '../output';

/** `embedded` (or nothing) is the data folder's own database; anything else must be a server URL. */
async function open(where: string | undefined, dataDir: string): Promise<Database> {
  if (where === undefined || where === 'embedded') return openDatabase({ dataDir });
  if (!looksLikeDatabaseUrl(where)) {
    throw new LocusError(
      'DATABASE_URL_INVALID',
      `"${where}" is neither a postgres:// URL nor "embedded".`,
    );
  }
  return openDatabase({ url: where });
}

/**
 * `locus db copy --to <url>` moves the data folder's memory to a server,
 * `--from <url>` brings a server's memory into the folder; `locus db use`
 * saves which database later starts open.
 */
export async function dbCommand(cli: ParsedCli, dataDir: string, output: Output): Promise<void> {
  const sub = cli.positionals[1];
  if (sub === 'use') {
    const target = cli.positionals[2];
    if (!target) {
      throw new LocusError('INVALID_INPUT', 'Say which: locus db use <postgres://…|embedded>.');
    }
    await checkAndSaveDatabaseUrl(dataDir, target);
    output.out(
      output.json
        ? JSON.stringify({ database: target === 'embedded' ? null : target })
        : target === 'embedded'
          ? `From the next start, memory is kept in ${dataDir} again.`
          : 'Saved: from the next start Locus keeps its memory on that server (LOCUS_DATABASE_URL and --database still take precedence).',
    );
    return;
  }
  if (sub !== 'copy') {
    throw new LocusError(
      'INVALID_INPUT',
      `Unknown db command "${sub ?? ''}". Use "locus db copy --to <url>", "locus db copy --from <url>" or "locus db use <url|embedded>".`,
    );
  }
  const { from, to } = cli.values;
  if (from === undefined && to === undefined) {
    throw new LocusError(
      'INVALID_INPUT',
      'Say where to: locus db copy --to postgres://… (from this data folder) or --from postgres://… (into it).',
    );
  }
  if ((from ?? 'embedded') === (to ?? 'embedded')) {
    throw new LocusError('INVALID_INPUT', 'The source and the destination are the same.');
  }
  const source = await open(from, dataDir);
  let destination: Database | undefined;
  try {
    destination = await open(to, dataDir);
    let show: ((done: number, total: number) => void) | undefined;
    let current = '';
    const report = await copyDatabase(source, destination, {
      onProgress: (p) => {
        if (output.json) return;
        if (p.table !== current) {
          current = p.table;
          show = progressPrinter(`Copying ${p.table}`);
        }
        if (p.total > 0) show?.(p.done, p.total);
      },
    });
    if (output.json) {
      output.out(JSON.stringify({ from: source.location, to: destination.location, ...report }));
      return;
    }
    output.out(`Copied ${source.location} to ${destination.location}; rows per table match:`);
    for (const [table, n] of Object.entries(report.tables)) output.out(`  ${table}: ${n}`);
    if (destination.backend === 'postgres') {
      output.out(
        `To use it: locus db use <the same URL> (or --database, or LOCUS_DATABASE_URL). The copy in the folder stays as it was.`,
      );
    }
  } finally {
    await destination?.close();
    await source.close();
  }
}
