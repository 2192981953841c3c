#!/usr/bin/env node
// Runs after `npm install` (the root package's postinstall). npm installs every
// prebuilt binary whose package.json allows this OS and CPU: on Linux x64 that
// is llama.cpp for CUDA, Vulkan, ARM64 and ARMv7 beside the CPU build
// (~650 MB), and onnxruntime-node ships Windows and macOS libraries inside one
// package (~220 MB). Locus loads only the CPU llama.cpp build for this machine
// unless told otherwise, and onnxruntime for this OS and CPU, so the rest is
// removed here. See scripts/install/README.md (and LOCUS_GPU to keep GPU builds).
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const LLAMA_OS = { linux: 'linux', darwin: 'mac', win32: 'win' };
const LLAMA_ARCH = { x64: 'x64', arm64: 'arm64', arm: 'armv7l', riscv64: 'riscv64' };
/** GPU variants a user can ask to keep; `cuda` needs its `-ext` half too. */
const GPU_VARIANTS = { cuda: ['cuda', 'cuda-ext'], vulkan: ['vulkan'] };

/**
 * Which GPU builds of llama.cpp to keep, from LOCUS_GPU (comma separated:
 * `cuda`, `vulkan`, or `all` to keep every build npm installed).
 */
export function requestedGpuVariants(value) {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes('all')) return 'all';
  return new Set(names.flatMap((name) => GPU_VARIANTS[name] ?? []));
}

/**
 * Whether the llama.cpp prebuilt package `name` (`linux-x64-cuda`) is one this
 * machine loads: same OS and CPU, and either the plain build, Metal (the only
 * build on Apple silicon) or a GPU variant the user asked for.
 */
export function keepLlamaBuild(name, platform, arch, gpu) {
  if (gpu === 'all') return true;
  const os = LLAMA_OS[platform];
  const cpu = LLAMA_ARCH[arch];
  // An unknown platform keeps everything: better large than broken.
  if (!os || !cpu) return true;
  const prefix = `${os}-${cpu}`;
  if (name === prefix || name === `${prefix}-metal`) return true;
  if (!name.startsWith(`${prefix}-`)) return false;
  return gpu.has(name.slice(prefix.length + 1));
}

function bytesOf(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesOf(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

function remove(modules, dir, removed) {
  removed.bytes += bytesOf(dir);
  removed.names.push(path.relative(modules, dir).split(path.sep).join('/'));
  fs.rmSync(dir, { recursive: true, force: true });
}

function listDirs(dir) {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * Removes from `modules` (a node_modules folder) the llama.cpp and onnxruntime
 * builds this machine never loads; returns what went and how many bytes.
 */
export function prunePlatformBuilds(modules, { platform, arch, gpu }) {
  const removed = { bytes: 0, names: [] };
  const llamaScope = path.join(modules, '@node-llama-cpp');
  for (const name of listDirs(llamaScope)) {
    if (!keepLlamaBuild(name, platform, arch, gpu))
      remove(modules, path.join(llamaScope, name), removed);
  }
  // onnxruntime-node keeps one folder per OS, then one per CPU.
  const onnxBins = path.join(modules, 'onnxruntime-node', 'bin', 'napi-v6');
  const osDirs = listDirs(onnxBins);
  if (osDirs.includes(platform)) {
    for (const os of osDirs) {
      if (os !== platform) remove(modules, path.join(onnxBins, os), removed);
    }
    const cpus = listDirs(path.join(onnxBins, platform));
    if (cpus.includes(arch)) {
      for (const cpu of cpus) {
        if (cpu !== arch) remove(modules, path.join(onnxBins, platform, cpu), removed);
      }
    }
  }
  return removed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const gpu = requestedGpuVariants(process.env.LOCUS_GPU);
  const modules = path.resolve(import.meta.dirname, '..', '..', 'node_modules');
  const removed = prunePlatformBuilds(modules, {
    platform: process.platform,
    arch: process.arch,
    gpu,
  });
  if (removed.names.length > 0) {
    const mb = Math.round(removed.bytes / 2 ** 20);
    process.stdout.write(
      `locus: removed ${mb} MB of native builds for other platforms or GPUs (${removed.names.join(', ')}). ` +
        'To keep GPU builds of llama.cpp, install with LOCUS_GPU=cuda or LOCUS_GPU=vulkan.\n',
    );
  }
}
