import type { EventName, ServerEvents } from '../shared/contract';

export type Listener<K extends EventName> = (payload: ServerEvents[K]) => void;

/** A typed pub/sub owned by one core; hosts forward its events to their clients. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<K extends EventName>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as Listener<EventName>);
    this.listeners.set(name, set);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<K extends EventName>(name: K, payload: ServerEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch {
        // A broken listener (a closed window) must not break the core.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
