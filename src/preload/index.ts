import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('locus', { version: 1 });
