import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type LocusBridge } from '../shared/bridge';

// One generic, typed bridge: the renderer names a contract call and the core
// validates it. No Node or Electron object ever crosses into the page.
const bridge: LocusBridge = {
  call: (name, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input),
  on(name, listener) {
    const handler = (_event: IpcRendererEvent, eventName: string, payload: unknown) => {
      if (eventName === name) listener(payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('locus', bridge);
