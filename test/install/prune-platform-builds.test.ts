import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keepLlamaBuild,
  prunePlatformBuilds,
  requestedGpuVariants,
} from '../../scripts/install/prune-platform-builds.mjs';
import { tempDir } from '../helpers/test-core';

/** A node_modules folder shaped like the real install, one small file per build. */
function fakeModules(): string {
  const modules = tempDir('locus-prune-');
  const files = [
    '@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node',
    '@node-llama-cpp/linux-x64-cuda/bins/x.node',
    '@node-llama-cpp/linux-x64-cuda-ext/bins/x.node',
    '@node-llama-cpp/linux-x64-vulkan/bins/x.node',
    '@node-llama-cpp/linux-arm64/bins/x.node',
    '@node-llama-cpp/linux-armv7l/bins/x.node',
    'onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
    'onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1',
    'onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.dylib',
    'onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
  ];
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(modules, file)), { recursive: true });
    fs.writeFileSync(path.join(modules, file), 'x'.repeat(100));
  }
  return modules;
}

const present = (modules: string, rel: string) => fs.existsSync(path.join(modules, rel));

describe('install-time pruning of native builds', () => {
  it('keeps only the CPU llama.cpp build and onnxruntime for this OS and CPU', () => {
    const modules = fakeModules();
    const removed = prunePlatformBuilds(modules, {
      platform: 'linux',
      arch: 'x64',
      gpu: requestedGpuVariants(undefined),
    });
    expect(fs.readdirSync(path.join(modules, '@node-llama-cpp'))).toEqual(['linux-x64']);
    expect(present(modules, 'onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')).toBe(
      true,
    );
    expect(fs.readdirSync(path.join(modules, 'onnxruntime-node/bin/napi-v6'))).toEqual(['linux']);
    expect(fs.readdirSync(path.join(modules, 'onnxruntime-node/bin/napi-v6/linux'))).toEqual([
      'x64',
    ]);
    expect(removed.names).toContain('@node-llama-cpp/linux-x64-cuda');
    expect(removed.bytes).toBe(8 * 100);
  });

  it('keeps the GPU builds the user asks for with LOCUS_GPU', () => {
    const modules = fakeModules();
    prunePlatformBuilds(modules, {
      platform: 'linux',
      arch: 'x64',
      gpu: requestedGpuVariants('cuda'),
    });
    expect(fs.readdirSync(path.join(modules, '@node-llama-cpp')).sort()).toEqual([
      'linux-x64',
      'linux-x64-cuda',
      'linux-x64-cuda-ext',
    ]);
    const everything = fakeModules();
    prunePlatformBuilds(everything, { platform: 'linux', arch: 'x64', gpu: 'all' });
    expect(fs.readdirSync(path.join(everything, '@node-llama-cpp'))).toHaveLength(6);
  });

  it('never removes the only build of a platform it does not know', () => {
    const modules = fakeModules();
    const removed = prunePlatformBuilds(modules, {
      platform: 'freebsd',
      arch: 'x64',
      gpu: new Set(),
    });
    expect(removed.names).toEqual([]);
    expect(fs.readdirSync(path.join(modules, '@node-llama-cpp'))).toHaveLength(6);
  });

  it('picks the build node-llama-cpp loads on each platform', () => {
    const none = new Set<string>();
    expect(keepLlamaBuild('mac-arm64-metal', 'darwin', 'arm64', none)).toBe(true);
    expect(keepLlamaBuild('mac-x64', 'darwin', 'arm64', none)).toBe(false);
    expect(keepLlamaBuild('win-x64', 'win32', 'x64', none)).toBe(true);
    expect(keepLlamaBuild('win-x64-vulkan', 'win32', 'x64', none)).toBe(false);
    expect(keepLlamaBuild('win-x64-vulkan', 'win32', 'x64', requestedGpuVariants('vulkan'))).toBe(
      true,
    );
    expect(keepLlamaBuild('linux-armv7l', 'linux', 'arm', none)).toBe(true);
    expect(keepLlamaBuild('linux-arm64', 'linux', 'x64', none)).toBe(false);
  });
});
