import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureElectronBinary } from './electron-binary';

// `npm start` / `npm run dev`: make sure Electron's binary is there (first
// start downloads it), then hand over to electron-vite.
const mode = process.argv.includes('dev') ? 'dev' : 'preview';
const ensured = await ensureElectronBinary();
if (!ensured.ok) {
  process.stderr.write(`${ensured.message}\n`);
  process.exit(1);
}
if (process.argv.includes('--ensure-only')) {
  process.stdout.write(`Electron is ready: ${ensured.executable}\n`);
  process.exit(0);
}
const cli = path.resolve(
  import.meta.dirname,
  '../../node_modules/electron-vite/bin/electron-vite.js',
);
const child = spawn(process.execPath, [cli, mode], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('close', (code) => process.exit(code ?? 1));
