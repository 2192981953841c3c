export function requestedGpuVariants(value: string | undefined): 'all' | Set<string>;
export function keepLlamaBuild(
  name: string,
  platform: string,
  arch: string,
  gpu: 'all' | Set<string>,
): boolean;
export function prunePlatformBuilds(
  modules: string,
  machine: { platform: string; arch: string; gpu: 'all' | Set<string> },
): { bytes: number; names: string[] };
