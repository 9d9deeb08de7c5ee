import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createSseTransport,
  type EventSourceLike,
  type StreamEvent,
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
