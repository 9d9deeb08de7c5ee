// A test probe for the live stream (internal/windowtest/transport_test.go):
// it reports, with the page's wall clock (performance.timeOrigin +
// performance.now(), the system clock the test's writer also reads), every
// event the transport delivers and every new text of the watched elements,
// to the server's test log. It is on only when the server has a test log and
// was given probe settings (<meta name="flowdeck-test-probe">, from
// FLOWDECK_TEST_PROBE); otherwise withTestProbe returns the transport as is.

import { createApi, readToken, TOKEN_HEADER } from './api';
import { createSseTransport, createWailsTransport, type Transport, type WailsRuntimeLike } from './transport';

export interface ProbeConfig {
  /** name -> CSS selector: report each text the first matching element shows. */
  watch?: Record<string, string>;
  /** Reload the page once when the watched element `name` shows `value`. */
  reloadWhen?: { name: string; value: string };
  /** After each `connected`, wait this long and report the server's event subscribers. */
  runtimeAfterConnectMs?: number;
  /**
   * Also listen to the other transport (SSE when the app uses Wails events,
   * and the reverse) and report its events as `shadow`: both deliveries of
   * the same change, timed in the same page at the same moment. (The window
   * forwards Wails events whenever a probe is configured.)
   */
  shadow?: boolean;
}

type Doc = Pick<Document, 'querySelector'>;

export function probeConfig(doc: Doc | undefined): ProbeConfig | null {
  if (!doc?.querySelector('meta[name="flowdeck-test-log"]')) return null;
  const raw = doc.querySelector('meta[name="flowdeck-test-probe"]')?.getAttribute('content');
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as ProbeConfig;
    return c !== null && typeof c === 'object' ? c : null;
  } catch {
    return null;
  }
}

const now = () => performance.timeOrigin + performance.now();
const RELOADED = 'flowdeck-probe-reloaded';

/** Wraps transport with the probe when the page is configured for it. */
export function withTestProbe(transport: Transport, doc: Document | undefined = globalThis.document): Transport {
  const cfg = probeConfig(doc);
  if (!cfg || !doc) return transport;
  const page = Math.random().toString(36).slice(2, 10);
  let pending: Record<string, unknown>[] = [];
  let sending: Promise<void> = Promise.resolve();
  const push = (item: Record<string, unknown>) => pending.push({ ...item, at: now() });

  function flush(): Promise<void> {
    if (pending.length === 0) return sending;
    const items = pending;
    pending = [];
    const body = JSON.stringify({ event: 'probe', page, items });
    sending = sending.then(() =>
      fetch('/api/test/log', {
        method: 'POST',
        headers: { [TOKEN_HEADER]: readToken(doc), 'Content-Type': 'application/json' },
        body,
      }).then(
        () => undefined,
        () => undefined,
      ),
    );
    return sending;
  }
  setInterval(() => void flush(), 100);

  const w = globalThis as { WailsInvoke?: unknown; runtime?: { EventsOn?: unknown } };
  push({
    t: 'start',
    transport: transport.kind ?? 'unknown',
    date_now: Date.now(),
    wails_invoke: typeof w.WailsInvoke,
    wails_events_on: typeof w.runtime?.EventsOn,
  });

  // The watched elements: report each new text, in order.
  const last = new Map<string, string>();
  let reloading = false;
  const read = () => {
    for (const [name, sel] of Object.entries(cfg.watch ?? {})) {
      const v = doc.querySelector(sel)?.textContent?.trim();
      if (v === undefined || v === last.get(name)) continue;
      last.set(name, v);
      push({ t: 'dom', name, value: v });
      const r = cfg.reloadWhen;
      if (r && !reloading && r.name === name && r.value === v && sessionStorage.getItem(RELOADED) === null) {
        reloading = true;
        sessionStorage.setItem(RELOADED, '1');
        push({ t: 'reload' });
        void flush().then(() => location.reload());
      }
    }
  };
  if (cfg.watch) {
    new MutationObserver(read).observe(doc.documentElement, { subtree: true, childList: true, characterData: true });
    read();
  }

  // How many event subscribers the server's hub has (an SSE stream of a
  // page that is gone should not stay behind).
  async function reportRuntime() {
    try {
      const res = await fetch('/api/debug/runtime', { headers: { [TOKEN_HEADER]: readToken(doc) } });
      const r = (await res.json()) as { event_clients?: number; goroutines?: number };
      push({ t: 'runtime', event_clients: r.event_clients, goroutines: r.goroutines });
    } catch {
      // not reported
    }
  }

  if (cfg.shadow) {
    const runtime = (globalThis as { runtime?: Partial<WailsRuntimeLike> }).runtime;
    let other: Transport | null = null;
    if (transport.kind === 'wails') {
      other = createSseTransport({ url: createApi({ token: readToken(doc) }).eventsUrl() });
    } else if (typeof runtime?.EventsOn === 'function') {
      other = createWailsTransport({ runtime: runtime as WailsRuntimeLike });
    }
    other?.subscribe((ev) => {
      if (ev.type === 'change') {
        push({ t: 'shadow', via: other.kind, kind: ev.change.kind, task: ev.change.task, created_on: ev.change.created_on });
      }
    });
  }

  return {
    kind: transport.kind,
    get state() {
      return transport.state;
    },
    subscribe(handler) {
      return transport.subscribe((ev) => {
        if (ev.type === 'change') {
          const c = ev.change;
          push({ t: 'event', kind: c.kind, task: c.task, created_on: c.created_on });
        } else if (ev.type === 'state') {
          push({ t: 'state', state: ev.state });
          if (ev.state === 'connected' && cfg.runtimeAfterConnectMs !== undefined) {
            setTimeout(() => void reportRuntime(), cfg.runtimeAfterConnectMs);
          }
        }
        handler(ev);
      });
    },
  };
}
