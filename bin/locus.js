#!/usr/bin/env node
// Runs the TypeScript CLI directly; the core is plain Node and needs no Electron.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
