// Small UI state shared by components: a ticking clock for live durations
// and focus requests between the lists (Enter moves to the next list, Esc
// back to the previous one).

import type { Unsubscribe } from '../lib/transport';

export class Clock {
  now = $state(Date.now());

  /** Ticks every intervalMs; call the result to stop. */
  start(intervalMs = 1000): Unsubscribe {
    const id = setInterval(() => (this.now = Date.now()), intervalMs);
    return () => clearInterval(id);
  }
}

/** Names of the focusable places. */
export type Zone = 'flows' | 'runs' | 'run-table' | 'steps' | 'tasks' | 'cards' | 'filter' | 'card-pane';

export class FocusRequests {
  /** The zone that should take focus next, consumed by whoever takes it. */
  zone = $state<Zone | null>(null);
  seq = $state(0);

  request(zone: Zone): void {
    this.zone = zone;
    this.seq++;
  }

  /** True (and the request cleared) when zone is the one requested. */
  take(zone: Zone): boolean {
    if (this.zone !== zone) return false;
    this.zone = null;
    return true;
  }
}
