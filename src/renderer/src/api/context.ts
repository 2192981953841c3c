import { createContext, useContext } from 'react';
import type { LocusClient } from './client';

export const ClientContext = createContext<LocusClient | null>(null);

export function useClient(): LocusClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}
