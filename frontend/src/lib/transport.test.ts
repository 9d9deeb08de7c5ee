import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  chooseTransport,
  createSseTransport,
  createWailsTransport,
  WAILS_EVENT,
  type EventSourceLike,
  type StreamEvent,
  type Transport,
  type WailsRuntimeLike,
} from './transport';

class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
  send(type: string, data: string) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }));
  }
}

function setup() {
  FakeEventSource.all = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const t = createSseTransport({
    url: () => '/api/events?token=t',
    createEventSource: (url) => new FakeEventSource(url),
    random: () => 0.5,
    setTimeout: (fn, ms) => {
      const timer = { fn, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (id) => {
      (id as { cleared: boolean }).cleared = true;
    },
  });
  const events: StreamEvent[] = [];
  return { t, timers, events, es: () => FakeEventSource.all[FakeEventSource.all.length - 1] };
}

describe('backoffDelay', () => {
  it('doubles from 500 ms up to 15 s', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, undefined, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
  });
  it('jitters by at most 20%', () => {
    expect(backoffDelay(2, undefined, () => 0)).toBe(800);
    expect(backoffDelay(2, undefined, () => 1)).toBe(1200);
  });
});

describe('createSseTransport', () => {
  it('connects on first subscribe and delivers change and status events', () => {
    const { t, events, es } = setup();
    const stop = t.subscribe((e) => events.push(e));
    expect(FakeEventSource.all).toHaveLength(1);
    expect(es().url).toBe('/api/events?token=t');
    expect(t.state).toBe('connecting');
    es().open();
    expect(t.state).toBe('connected');
    es().send('change', '{"kind":"run_added","flow":"F","run":"3"}');
    es().send('status', '{"root":"/r","flows":1,"runs":3,"indexing":{"done":3,"total":3},"watch":{"mode":"inotify","error":null}}');
    es().send('change', 'not json');
    expect(events).toEqual([
      { type: 'state', state: 'connecting' },
      { type: 'state', state: 'connected' },
      { type: 'change', change: { kind: 'run_added', flow: 'F', run: '3' } },
      {
        type: 'status',
        status: { root: '/r', flows: 1, runs: 3, indexing: { done: 3, total: 3 }, watch: { mode: 'inotify', error: null } },
      },
    ]);
    stop();
    expect(es().closed).toBe(true);
    expect(t.state).toBe('closed');
  });

  it('reconnects with growing backoff and reports connected again (the refetch signal)', () => {
    const { t, timers, events, es } = setup();
    t.subscribe((e) => events.push(e));
    es().open();
    const first = es();
    first.fail();
    expect(first.closed).toBe(true);
    expect(t.state).toBe('reconnecting');
    expect(timers.map((x) => x.ms)).toEqual([500]);
    timers[0].fn();
    expect(FakeEventSource.all).toHaveLength(2);
    es().fail(); // the server is still down
    expect(timers.map((x) => x.ms)).toEqual([500, 1000]);
    timers[1].fn();
    es().open();
    expect(t.state).toBe('connected');
    // The next drop starts from the shortest wait again.
    es().fail();
    expect(timers.map((x) => x.ms)).toEqual([500, 1000, 500]);
    const states = events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'reconnecting']);
  });

  it('ignores events from a source it has replaced', () => {
    const { t, events, es, timers } = setup();
    t.subscribe((e) => events.push(e));
    const old = es();
    old.open();
    old.fail();
    timers[0].fn();
    old.send('change', '{"kind":"run_added"}');
    expect(events.filter((e) => e.type === 'change')).toHaveLength(0);
  });

  it('keeps one connection for many subscribers and closes after the last leaves', () => {
    const { t, timers, es } = setup();
    const a = t.subscribe(() => {});
    const b = t.subscribe(() => {});
    expect(FakeEventSource.all).toHaveLength(1);
    a();
    expect(es().closed).toBe(false);
    es().fail();
    b();
    expect(timers[0].cleared).toBe(true);
    expect(t.state).toBe('closed');
    b(); // calling it twice is harmless
  });

  it('keeps delivering when one handler throws', () => {
    const { t, es } = setup();
    const seen: string[] = [];
    const orig = console.error;
    console.error = () => {};
    t.subscribe(() => {
      throw new Error('boom');
    });
    t.subscribe((e) => seen.push(e.type));
    es().open();
    console.error = orig;
    expect(seen).toEqual(['state']);
  });
});

/** Wails' runtime as the window has it: EventsOn registers in the page only. */
class FakeWailsRuntime implements WailsRuntimeLike {
  listeners = new Map<string, ((...data: unknown[]) => void)[]>();
  cancelled = 0;
  EventsOn(name: string, cb: (...data: unknown[]) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), cb]);
    return () => {
      // Wails posts EX<name> to the message channel here; with the channel
      // closed WailsInvoke is missing and this throws.
      this.cancelled++;
      throw new TypeError('window.WailsInvoke is not a function');
    };
  }
  /** What Go's EventsEmit(ctx, name, batch) does in the page. */
  emit(name: string, ...data: unknown[]) {
    for (const cb of this.listeners.get(name) ?? []) cb(...data);
  }
}

describe('createWailsTransport', () => {
  const status = { root: '/r', flows: 1, runs: 3, indexing: { done: 3, total: 3 }, watch: { mode: 'inotify', error: null } };

  it('reports connected on subscribe and delivers a batch in order', () => {
    const rt = new FakeWailsRuntime();
    const t = createWailsTransport({ runtime: rt });
    expect(t.kind).toBe('wails');
    expect(t.state).toBe('closed');
    expect(rt.listeners.size).toBe(0); // nothing registered before a subscriber
    const events: StreamEvent[] = [];
    t.subscribe((e) => events.push(e));
    expect(t.state).toBe('connected');
    expect([...rt.listeners.keys()]).toEqual([WAILS_EVENT]);
    rt.emit(WAILS_EVENT, [
      { name: 'status', data: status },
      { name: 'change', data: { kind: 'task_added', flow: 'F', run: '1', step: 's', task: '7' } },
      { name: 'change', data: { kind: 'card_data_changed', card: 'k', created_on: 12.5 } },
    ]);
    expect(events).toEqual([
      { type: 'state', state: 'connecting' },
      { type: 'state', state: 'connected' },
      { type: 'status', status },
      { type: 'change', change: { kind: 'task_added', flow: 'F', run: '1', step: 's', task: '7' } },
      { type: 'change', change: { kind: 'card_data_changed', card: 'k', created_on: 12.5 } },
    ]);
  });

  it('drops malformed items and other events', () => {
    const rt = new FakeWailsRuntime();
    const t = createWailsTransport({ runtime: rt });
    const events: StreamEvent[] = [];
    t.subscribe((e) => events.push(e));
    events.length = 0;
    rt.emit(WAILS_EVENT, 'not a batch');
    rt.emit(WAILS_EVENT, [null, 3, { name: 'change' }, { name: 'change', data: { kind: 5 } }, { name: 'status', data: null }, { name: 'other', data: {} }]);
    rt.emit('something-else', [{ name: 'change', data: { kind: 'run_added' } }]);
    expect(events).toEqual([]);
  });

  it('turns a reset from Go into reconnecting + connected (the refetch signal)', () => {
    const rt = new FakeWailsRuntime();
    const t = createWailsTransport({ runtime: rt });
    const states: string[] = [];
    t.subscribe((e) => e.type === 'state' && states.push(e.state));
    rt.emit(WAILS_EVENT, [{ name: 'reset' }, { name: 'status', data: status }]);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(t.state).toBe('connected');
  });

  it('registers with Wails once, never cancels, and drops events without subscribers', () => {
    const rt = new FakeWailsRuntime();
    const t = createWailsTransport({ runtime: rt });
    const a: StreamEvent[] = [];
    const stopA = t.subscribe((e) => a.push(e));
    const stopB = t.subscribe(() => {});
    stopA();
    stopB();
    stopB(); // twice is harmless
    expect(t.state).toBe('closed');
    expect(rt.cancelled).toBe(0);
    rt.emit(WAILS_EVENT, [{ name: 'change', data: { kind: 'run_added' } }]);
    expect(a.filter((e) => e.type === 'change')).toHaveLength(0);
    // A new subscriber is told to fetch (what it missed is gone).
    const b: StreamEvent[] = [];
    t.subscribe((e) => b.push(e));
    expect(rt.listeners.get(WAILS_EVENT)).toHaveLength(1);
    expect(b).toEqual([
      { type: 'state', state: 'connecting' },
      { type: 'state', state: 'connected' },
    ]);
    rt.emit(WAILS_EVENT, [{ name: 'change', data: { kind: 'run_added' } }]);
    expect(b).toHaveLength(3);
  });

  it('stays connecting when EventsOn fails', () => {
    const orig = console.error;
    console.error = () => {};
    const t = createWailsTransport({
      runtime: {
        EventsOn: () => {
          throw new Error('no runtime');
        },
      },
    });
    const states: string[] = [];
    t.subscribe((e) => e.type === 'state' && states.push(e.state));
    console.error = orig;
    expect(states).toEqual(['connecting']);
  });
});

describe('chooseTransport', () => {
  const sse: Transport = { kind: 'sse', state: 'closed', subscribe: () => () => {} };
  const doc = (content: string | null) => ({
    querySelector: (sel: string) =>
      sel === 'meta[name="flowdeck-transport"]' && content !== null ? ({ getAttribute: () => content } as unknown as Element) : null,
  });
  const win = { runtime: new FakeWailsRuntime() };

  it('is SSE by default, in a browser, and when Wails runtime is missing', () => {
    expect(chooseTransport(doc(null), win, () => sse)).toBe(sse);
    expect(chooseTransport(doc('sse'), win, () => sse)).toBe(sse);
    expect(chooseTransport(doc('wails'), {}, () => sse)).toBe(sse);
    expect(chooseTransport(doc('wails'), { runtime: {} }, () => sse)).toBe(sse);
    expect(chooseTransport(undefined, undefined, () => sse)).toBe(sse);
  });

  it('is Wails events when the server names them and the runtime is there', () => {
    expect(chooseTransport(doc('wails'), win, () => sse).kind).toBe('wails');
  });
});
