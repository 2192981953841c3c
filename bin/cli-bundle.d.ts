export const DEFAULT_BUNDLE_DIR: string;
export function freshBundleEntry(dir?: string): string | null;
