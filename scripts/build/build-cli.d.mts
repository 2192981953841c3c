export const EXTERNAL: readonly string[];
export const DEFAULT_OUT_DIR: string;
export function buildCli(outDir?: string): Promise<{ outDir: string; sources: number }>;
