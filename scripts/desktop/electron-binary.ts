import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where the electron npm package lives; tests point this at a copy. */
export function electronPackageDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCUS_ELECTRON_DIR
    ? path.resolve(env.LOCUS_ELECTRON_DIR)
    : path.resolve(import.meta.dirname, '../../node_modules/electron');
}

/** The installed Electron executable, or null when its binary was never downloaded. */
export function installedElectron(electronDir: string): string | null {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const executable = path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(executable) ? executable : null;
}

export type EnsureResult = { ok: true; executable: string } | { ok: false; message: string };

/** The last meaningful line of a failed installer's output, for a one-line reason. */
export function failureReason(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const line = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export const SERVE_HINT = 'npm run build && npx locus serve';

/**
 * Electron's npm package does not bring its binary along with `npm install`
 * when install scripts are skipped, and nothing fetches it later (electron-vite
 * stops with "Electron uninstall"). Runs Electron's own installer once, on
 * first start; when it cannot download, says so in one line and points to the
 * browser version of the same app.
 */
export async function ensureElectronBinary(
  options: { electronDir?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<EnsureResult> {
  const env = options.env ?? process.env;
  const electronDir = options.electronDir ?? electronPackageDir(env);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const present = installedElectron(electronDir);
  if (present) return { ok: true, executable: present };
  const installer = path.join(electronDir, 'install.js');
  if (!fs.existsSync(installer)) {
    return {
      ok: false,
      message: `Electron is not installed (${electronDir} is missing): run "npm install" first, or use the app in a browser: ${SERVE_HINT}`,
    };
  }
  log("First start: downloading Electron's binary once (about 100 MB)...");
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(process.execPath, [installer], {
      cwd: electronDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.on('error', (error) => resolve({ code: 1, text: error.message }));
    child.on('close', (code) => resolve({ code, text }));
  });
  const executable = installedElectron(electronDir);
  if (output.code === 0 && executable) return { ok: true, executable };
  return {
    ok: false,
    message: `Could not download Electron's binary (${failureReason(output.text)}). Check the internet connection and run npm start again, or use the same app in your browser: ${SERVE_HINT}`,
  };
}
