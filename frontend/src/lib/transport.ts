// The live change stream, behind one small interface. It is the server's
// Server-Sent Events stream (/api/events) in both shells (docs/benchmarks.md
// says why the window does not use Wails events). The stores see only the
// Transport interface, so tests give them a fake.
//
// Events sent while nobody listens are lost, so a transport reports every
// (re)connect as a `state: connected` event, and whoever shows data refetches
// it then.

import type { Change, DatastoreStatus } from './schema';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export type StreamEvent =
  | { type: 'change'; change: Change }
  | { type: 'status'; status: DatastoreStatus }
  /** `connected` means: the stream is live again, refetch what is shown. */
  | { type: 'state'; state: ConnectionState };

export type StreamHandler = (event: StreamEvent) => void;
export type Unsubscribe = () => void;

export interface Transport {
  /** Starts delivering events to handler; call the result to stop. */
  subscribe(handler: StreamHandler): Unsubscribe;
  readonly state: ConnectionState;
}

/** The part of EventSource this module uses (so tests can fake it). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: never, ev: Event) => unknown) | null;
  onerror: ((this: never, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000, factor: 2 };

/** The wait before reconnect number `failures` (1-based), with ±20% jitter. */
export function backoffDelay(failures: number, b: Backoff = DEFAULT_BACKOFF, random = Math.random): number {
  const raw = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

export interface SseOptions {
  url: string | (() => string);
  createEventSource?: (url: string) => EventSourceLike;
  backoff?: Backoff;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

/** The subscribers and connection state of a transport. */
function streamHandlers() {
  const handlers = new Set<StreamHandler>();
  const hs = {
    handlers,
    state: 'closed' as ConnectionState,
    emit(ev: StreamEvent) {
      for (const h of [...handlers]) {
        try {
          h(ev);
        } catch (err) {
          console.error('flowdeck: event handler failed', err);
        }
      }
    },
    setState(next: ConnectionState) {
      if (next === hs.state) return;
      hs.state = next;
      hs.emit({ type: 'state', state: next });
    },
  };
  return hs;
}

/**
 * An SSE transport: it connects when the first handler subscribes and closes
 * when the last one leaves. On any error it closes the EventSource and
 * reconnects itself with exponential backoff (EventSource gives up for good
 * on HTTP errors, and its own retry has no backoff).
 */
export function createSseTransport(opts: SseOptions): Transport {
  const create = opts.createEventSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
  const setT = opts.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms));
  const clearT = opts.clearTimeout ?? ((id: unknown) => globalThis.clearTimeout(id as number));
  const hs = streamHandlers();
  const { handlers, emit, setState } = hs;
  let source: EventSourceLike | null = null;
  let timer: unknown = null;
  let failures = 0;

  function parse<T>(ev: MessageEvent): T | null {
    try {
      return JSON.parse(String(ev.data)) as T;
    } catch {
      return null;
    }
  }

  function connect() {
    timer = null;
    const url = typeof opts.url === 'function' ? opts.url() : opts.url;
    const es = create(url);
    source = es;
    es.onopen = () => {
      if (source !== es) return;
      failures = 0;
      // Each open is a fresh start: report it even if we never saw the drop.
      hs.state = 'connecting';
      setState('connected');
    };
    es.onerror = () => {
      if (source !== es) return;
      es.close();
      source = null;
      failures++;
      setState('reconnecting');
      timer = setT(connect, backoffDelay(failures, opts.backoff, opts.random));
    };
    es.addEventListener('change', (ev) => {
      if (source !== es) return;
      const change = parse<Change>(ev);
      if (change && typeof change.kind === 'string') emit({ type: 'change', change });
    });
    es.addEventListener('status', (ev) => {
      if (source !== es) return;
      const status = parse<DatastoreStatus>(ev);
      if (status) emit({ type: 'status', status });
    });
  }

  function disconnect() {
    if (timer !== null) clearT(timer);
    timer = null;
    source?.close();
    source = null;
    failures = 0;
    hs.state = 'closed';
  }

  return {
    get state() {
      return hs.state;
    },
    subscribe(handler) {
      handlers.add(handler);
      if (handlers.size === 1 && source === null && timer === null) {
        setState(failures > 0 ? 'reconnecting' : 'connecting');
        connect();
      }
      return () => {
        if (!handlers.delete(handler)) return;
        if (handlers.size === 0) disconnect();
      };
    },
  };
}
