import { makeChange } from '../lib/change';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type Api } from '../lib/api';
import type { StreamEvent, StreamHandler, Transport } from '../lib/transport';
import { datastoreStatus, run, runDetail, step, task, taskDetail } from '../testing/fakes';
import { fakeHost } from '../testing/host';
import { AppState } from './app.svelte';

class FakeTransport implements Transport {
  state: Transport['state'] = 'closed';
  handlers = new Set<StreamHandler>();
  subscribe(h: StreamHandler) {
    this.handlers.add(h);
    return () => {
      this.handlers.delete(h);
    };
  }
  emit(ev: StreamEvent) {
    for (const h of this.handlers) h(ev);
  }
}

function fakeApi() {
  const status = {
    root: '/r/.metaflow',
    flows: 1,
    runs: 2,
    indexing: { done: 2, total: 2 },
    watch: { mode: 'inotify', error: null },
  };
  const runs = [run('2', '2026-11-25T21:20:00.000Z', { status: 'running' }), run('1', '2026-11-25T21:10:00.000Z')];
  return {
    datastore: vi.fn(async () => status),
    flows: vi.fn(async () => [{ name: 'F', runs: 2, latest_run: '2' }]),
    landing: vi.fn(async () => ({ flow: 'F', run: '2', step: null, task: null, card: null })),
    runs: vi.fn(async () => runs.map((r) => ({ ...r }))),
    run: vi.fn(async (_f: string, id: string) => runDetail(run(id, '2026-11-25T21:30:00.000Z'), [step('train', [task('5')])])),
    step: vi.fn(),
    task: vi.fn(async (_f: string, _r: string, _s: string, id: string) => taskDetail(id)),
    log: vi.fn(),
    card: vi.fn(async (key: string) => ({ key, kind: 'html', final: true, live: false })),
    cardData: vi.fn(),
    cardHtmlUrl: (k: string) => `/card/${k}`,
    eventsUrl: () => '/api/events',
    welcome: vi.fn(),
    open: vi.fn(),
    // The change count of every answer (SEQ_HEADER): `seq` is what the
    // next answers carry; answer(n) reports one answer read at n.
    seq: 0,
    seqListeners: new Set<(n: number) => void>(),
    onSeq(fn: (n: number) => void) {
      this.seqListeners.add(fn);
      return () => this.seqListeners.delete(fn);
    },
    answer(n: number) {
      for (const l of this.seqListeners) l(n);
    },
  };
}

/** prep sets the fake's answers before the app starts (its first load starts at once). */
function setup(hash = '', prep: (api: ReturnType<typeof fakeApi>) => void = () => undefined) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const api = fakeApi();
  prep(api);
  const transport = new FakeTransport();
  const h = fakeHost(hash);
  const app = new AppState({ api: api as unknown as Api, transport, host: h.host, storage: null });
  const stop = app.start();
  return { api, transport, app, stop, ...h };
}

/** Runs the coalescers' timers and the fetches they start. */
async function flush() {
  for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(200);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AppState', () => {
  it('loads at once, not again when the stream starts at the answers\' change count, and again after every reconnect', async () => {
    const { api, transport, app, stop } = setup('#/flows/F/runs/2');
    // Before the stream is up: the first load is under way.
    await flush();
    expect(api.datastore).toHaveBeenCalledTimes(1);
    expect(api.flows).toHaveBeenCalledTimes(1);
    expect(api.runs).toHaveBeenCalledTimes(1);
    expect(api.run).toHaveBeenCalledTimes(1);
    api.answer(7);
    api.answer(7);
    transport.emit({ type: 'state', state: 'connected' });
    transport.emit({ type: 'status', status: datastoreStatus({ seq: 7 }) });
    await flush();
    expect(app.connection).toBe('connected');
    // No change fell between the answers and the stream: nothing again.
    expect(api.flows).toHaveBeenCalledTimes(1);
    expect(api.run).toHaveBeenCalledTimes(1);
    api.answer(9); // later answers are newer: nothing
    await flush();
    expect(api.flows).toHaveBeenCalledTimes(1);

    transport.emit({ type: 'state', state: 'reconnecting' });
    expect(app.connection).toBe('reconnecting');
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    expect(api.datastore).toHaveBeenCalledTimes(2);
    expect(api.flows).toHaveBeenCalledTimes(2);
    expect(api.runs).toHaveBeenCalledTimes(2);
    expect(api.run).toHaveBeenCalledTimes(2);
    stop();
    expect(transport.handlers.size).toBe(0);
  });

  it('loads again once when an answer of the first load is older than the stream', async () => {
    const { api, transport } = setup('#/flows/F/runs/2');
    await flush();
    api.answer(3);
    api.answer(4);
    transport.emit({ type: 'state', state: 'connected' });
    // A change was published (seq 4) after an answer was read (at 3): the
    // stream will not send it again.
    transport.emit({ type: 'status', status: datastoreStatus({ seq: 4 }) });
    await flush();
    expect(api.flows).toHaveBeenCalledTimes(2);
    expect(api.runs).toHaveBeenCalledTimes(2);
    expect(api.run).toHaveBeenCalledTimes(2);
    // Once: a later old answer does not load a third time.
    api.answer(3);
    await flush();
    expect(api.run).toHaveBeenCalledTimes(2);
  });

  it('loads again when an answer read before the stream arrives after its status', async () => {
    const { api, transport } = setup('#/flows/F/runs/2');
    transport.emit({ type: 'state', state: 'connected' });
    transport.emit({ type: 'status', status: datastoreStatus({ seq: 5 }) });
    await flush();
    expect(api.run).toHaveBeenCalledTimes(1);
    api.answer(5);
    await flush();
    expect(api.run).toHaveBeenCalledTimes(1);
    api.answer(2); // read before a change the stream had already passed
    await flush();
    expect(api.run).toHaveBeenCalledTimes(2);
  });

  it('loads again when the stream\'s status gives no change count (an older server)', async () => {
    const { api, transport } = setup('#/flows/F/runs/2');
    await flush();
    api.answer(1);
    transport.emit({ type: 'state', state: 'connected' });
    const { seq: _drop, ...old } = datastoreStatus();
    transport.emit({ type: 'status', status: old as ReturnType<typeof datastoreStatus> });
    await flush();
    expect(api.run).toHaveBeenCalledTimes(2);
  });

  it('keeps an address the user went to before the landing answer came, even before its hashchange ran', async () => {
    type Landing = { flow: string; run: string; step: null; task: null; card: null };
    let answer: (l: Landing) => void = () => undefined;
    const { host } = setup('', (api) => api.landing.mockImplementation(() => new Promise<Landing>((r) => (answer = r))));
    // The address changed; its hashchange event has not run yet.
    host.history.replaceState(null, '', '#/flows/F/runs/1');
    answer({ flow: 'F', run: '2', step: null, task: null, card: null });
    await flush();
    expect(host.location.hash).toBe('#/flows/F/runs/1');
  });

  it('opens every level the route names, and closes them going up', async () => {
    const { api, app } = setup('#/flows/F/runs/2/steps/train/tasks/5/cards/k1');
    await flush();
    expect(api.run).toHaveBeenCalledWith('F', '2');
    expect(api.task).toHaveBeenCalledWith('F', '2', 'train', '5', {});
    expect(api.card).toHaveBeenCalledWith('k1');
    expect(app.card.key).toBe('k1');
    app.up();
    expect(app.route).toEqual({ flow: 'F', run: '2', step: 'train', task: '5' });
    expect(app.card.key).toBeNull();
    expect(app.focus.zone).toBe('cards');
    app.up();
    app.up();
    expect(app.task.id).toBeNull();
    expect(app.run.id).toBe('2');
  });

  it('follows the newest run of the shown flow when asked to', async () => {
    const { app, transport, api } = setup('#/flows/F');
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    app.setFollow('F', true);
    expect(app.route).toEqual({ flow: 'F', run: '2' }); // turning it on opens the newest
    transport.emit({ type: 'change', change: makeChange('run_added', { flow: 'F', run: '3' }) });
    expect(app.route).toEqual({ flow: 'F', run: '3' });
    app.setFollow('F', false);
    const lists = api.runs.mock.calls.length;
    transport.emit({ type: 'change', change: makeChange('run_added', { flow: 'F', run: '4' }) });
    expect(app.route.run).toBe('3');
    await flush();
    // A new run reloads the list: its place is the server's order.
    expect(api.runs.mock.calls.length).toBeGreaterThan(lists);
  });

  it('tells the user when a running run fails, not when indexing learns an old failure', async () => {
    const { app, transport } = setup('#/flows/F');
    await flush();
    transport.emit({ type: 'change', change: makeChange('run_changed', { flow: 'F', run: '1', status: 'failed', old_status: 'unknown' }) });
    expect(app.notices.items).toHaveLength(0);
    transport.emit({ type: 'change', change: makeChange('run_changed', { flow: 'F', run: '2', status: 'failed', old_status: 'running' }) });
    expect(app.notices.items.map((n) => [n.tone, n.text])).toEqual([['error', 'Run F/2 failed']]);
    app.notices.items[0].action?.run();
    expect(app.route).toEqual({ flow: 'F', run: '2' });
  });

  it('shows the welcome screen when the server has no datastore', async () => {
    const { app, transport } = setup('', (api) =>
      api.datastore.mockRejectedValue(new ApiError('no datastore', 'http', 409, '', { error: 'no datastore', welcome: true })),
    );
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    expect(app.datastore.welcome).toBe(true);
    transport.emit({
      type: 'status',
      status: datastoreStatus({ indexing: { done: 0, total: 10 }, watch: { mode: 'polling', watches: 0, error: 'inotify limit reached' } }),
    });
    expect(app.datastore.welcome).toBe(false);
    expect(app.datastore.progress).toBe(0);
    expect(app.datastore.status?.watch.error).toBe('inotify limit reached');
  });

  it('while indexing, reloads the shown run list at most every 400 ms, and once more after the last status', async () => {
    const { app, api, transport } = setup('#/flows/F', (api) =>
      api.runs.mockImplementation(async () => [run('2', '2026-11-25T21:20:00.000Z', { loaded: false }), run('1', '2026-11-25T21:10:00.000Z')]),
    );
    transport.emit({ type: 'state', state: 'connected' });
    await flush();
    const calls = () => api.runs.mock.calls.length;
    const base = calls();
    const status = datastoreStatus({ root: '/r/.metaflow', flows: 1, runs: 2, indexing: { done: 1, total: 2 }, watch: { mode: 'inotify', watches: 0 } });
    transport.emit({ type: 'status', status });
    await vi.advanceTimersByTimeAsync(50);
    expect(calls()).toBe(base + 1);
    // The last status of the indexing comes inside the window: it is not dropped.
    transport.emit({ type: 'status', status: { ...status, indexing: { done: 2, total: 2 } } });
    await vi.advanceTimersByTimeAsync(100);
    expect(calls()).toBe(base + 1);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls()).toBe(base + 2);
    expect(app.runs.forFlow('F').items.length).toBe(2);
  });

  it('back and forward restore the view', async () => {
    const { app, back, host } = setup('#/flows/F');
    await flush();
    app.go({ flow: 'F', run: '2' });
    app.go({ flow: 'F', run: '2', step: 'train' });
    expect(host.location.hash).toBe('#/flows/F/runs/2/steps/train');
    back();
    expect(app.route).toEqual({ flow: 'F', run: '2' });
    back();
    expect(app.route).toEqual({ flow: 'F' });
    expect(app.run.id).toBeNull();
  });
});
