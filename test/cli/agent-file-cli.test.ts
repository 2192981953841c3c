import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tempDataDir } from '../helpers/test-core';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../shared/data/af/customer_service.af');

describe('locus import / export (CLI)', () => {
  // Letta's example files live outside the repo (../shared/data/af) when present.
  it.skipIf(!fs.existsSync(EXAMPLE))(
    'imports a Letta file, reports inert tools, and exports it again',
    async () => {
      const dataDir = await tempDataDir();
      const base = ['--data-dir', dataDir, '--embedder', 'fake'];
      const imported = await runCli(['import', EXAMPLE, ...base]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('Imported "customer_service": 2 blocks');
      expect(imported.stdout).toMatch(/kept as records only: .*cancel_order/);

      const out = path.join(dataDir, 'again.af');
      const exported = await runCli([
        'export',
        '--agent',
        'customer_service',
        '--out',
        out,
        ...base,
      ]);
      expect(exported.code).toBe(0);
      const file = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(file.agents[0].name).toBe('customer_service');
      expect(file.tools.map((t: { name: string }) => t.name)).toContain('cancel_order');

      const bad = path.join(dataDir, 'bad.af');
      fs.writeFileSync(bad, fs.readFileSync(EXAMPLE, 'utf8').slice(0, 1000));
      const refused = await runCli(['import', bad, ...base]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/AGENT_FILE_INVALID.*Nothing was changed/);
    },
  );
});
