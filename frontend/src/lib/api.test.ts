import { describe, expect, it, vi } from 'vitest';
import { ApiError, TOKEN_HEADER, createApi, readToken, takeFragmentToken, type FetchLike } from './api';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return respond(url, init);
  };
  return { fn, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('readToken', () => {
  it('reads the meta tag the server writes', () => {
    document.head.innerHTML = '<meta name="flowdeck-token" content="s3cret">';
    expect(readToken(document)).toBe('s3cret');
  });
  it('takes the secret over an empty placeholder, wherever the server put it', () => {
    document.head.innerHTML =
      '<meta name="flowdeck-token" content=""><title>x</title><meta name="flowdeck-token" content="abc"><meta name="flowdeck-shell" content="serve">';
    expect(readToken(document)).toBe('abc');
  });
  it('is empty without the tag', () => {
    document.head.innerHTML = '';
    expect(readToken(document)).toBe('');
  });
});

describe('createApi prefetch and change count', () => {
  it('sends prefetched GETs at once; the first request for a path takes the answer, later ones fetch again', async () => {
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      return new Response(JSON.stringify([{ name: `A${n}`, runs: 1, latest_run: '1' }]), { headers: { 'X-Flowdeck-Seq': String(n) } });
    });
    const api = createApi({ token: 'tok', fetch: f.fn });
    const seqs: number[] = [];
    api.prefetch(['/api/flows', '/api/datastore']);
    expect(f.calls.map((c) => c.url)).toEqual(['/api/flows', '/api/datastore']);
    expect(new Headers(f.calls[0].init?.headers).get(TOKEN_HEADER)).toBe('tok');
    api.onSeq((s) => seqs.push(s));
    expect((await api.flows())[0].name).toBe('A1'); // the prefetched answer, no new fetch
    expect(f.calls).toHaveLength(2);
    expect(seqs).toEqual([1]); // its change count is reported when it is taken
    expect((await api.flows())[0].name).toBe('A3'); // taken once only
    expect(f.calls).toHaveLength(3);
  });

  it('never serves a prefetched answer that was not taken in time', async () => {
    vi.useFakeTimers();
    try {
      let n = 0;
      const f = fakeFetch(() => json([{ name: `A${++n}`, runs: 1, latest_run: '1' }]));
      const api = createApi({ token: 'tok', fetch: f.fn });
      api.prefetch(['/api/flows']);
      await vi.advanceTimersByTimeAsync(6000);
      expect((await api.flows())[0].name).toBe('A2');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('createApi', () => {
  it('sends the secret header and decodes JSON', async () => {
    const f = fakeFetch(() => json([{ name: 'A', runs: 2, latest_run: '9' }]));
    const api = createApi({ token: 'tok', fetch: f.fn });
    const flows = await api.flows();
    expect(flows).toEqual([{ name: 'A', runs: 2, latest_run: '9' }]);
    expect(f.calls[0].url).toBe('/api/flows');
    expect(new Headers(f.calls[0].init?.headers).get(TOKEN_HEADER)).toBe('tok');
  });

  it('builds every route with encoded parts', async () => {
    const f = fakeFetch(() => json({}));
    const api = createApi({ token: 't', fetch: f.fn, base: 'http://h' });
    await api.datastore();
    await api.runs('My Flow');
    await api.run('F', 'r/1');
    await api.run('F', '1', { limit: 0 });
    await api.step('F', '1', 'train', { offset: 500, limit: 500 });
    await api.task('F', '1', 'train', '2');
    await api.task('F', '1', 'train', '2', { attempt: 1 });
    await api.log('F', '1', 'train', '2', 'stderr', { attempt: 0 });
    await api.card('abc_-');
    await api.cardData('k');
    await api.welcome();
    expect(f.calls.map((c) => c.url)).toEqual([
      'http://h/api/datastore',
      'http://h/api/flows/My%20Flow/runs',
      'http://h/api/runs/F/r%2F1',
      'http://h/api/runs/F/1?limit=0',
      'http://h/api/runs/F/1/steps/train?offset=500&limit=500',
      'http://h/api/tasks/F/1/train/2',
      'http://h/api/tasks/F/1/train/2?attempt=1',
      'http://h/api/tasks/F/1/train/2/logs/stderr?attempt=0',
      'http://h/api/cards/abc_-',
      'http://h/api/cards/k/data',
      'http://h/api/welcome',
    ]);
    expect(api.cardHtmlUrl('k1')).toBe('http://h/card/k1');
    expect(api.eventsUrl()).toBe('http://h/api/events?token=t');
  });

  it("surfaces the server's error sentence as an ApiError", async () => {
    const f = fakeFetch(() => json({ error: 'run 7 not found' }, 404));
    const api = createApi({ token: 't', fetch: f.fn });
    const err = await api.run('F', '7').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.message).toBe('run 7 not found');
    expect(e.status).toBe(404);
    expect(e.kind).toBe('http');
    expect(e.notFound).toBe(true);
    expect(e.welcome).toBe(false);
  });

  it('recognises the welcome answer (409)', async () => {
    const f = fakeFetch(() => json({ error: 'no datastore', welcome: true }, 409));
    const err = (await createApi({ token: 't', fetch: f.fn })
      .datastore()
      .catch((e: unknown) => e)) as ApiError;
    expect(err.welcome).toBe(true);
    expect(err.message).toBe('no datastore');
  });

  it('names the status when the error body is not JSON', async () => {
    const f = fakeFetch(() => new Response('oops', { status: 502, statusText: 'Bad Gateway' }));
    const err = (await createApi({ token: 't', fetch: f.fn })
      .flows()
      .catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe('502 Bad Gateway');
    expect(err.kind).toBe('http');
  });

  it('reports network failures and bad JSON with their own kinds', async () => {
    const down = createApi({
      token: 't',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const e1 = (await down.flows().catch((e: unknown) => e)) as ApiError;
    expect(e1.kind).toBe('network');
    expect(e1.status).toBe(0);
    expect(e1.message).toContain('Failed to fetch');

    const garbled = createApi({ token: 't', fetch: async () => new Response('{not json', { status: 200 }) });
    const e2 = (await garbled.flows().catch((e: unknown) => e)) as ApiError;
    expect(e2.kind).toBe('parse');
  });

  it('returns null for a card without runtime data', async () => {
    const f = fakeFetch(() => json({ error: 'no data' }, 404));
    expect(await createApi({ token: 't', fetch: f.fn }).cardData('k')).toBeNull();
  });

  it('posts open requests as JSON and treats {"error"} as a failure', async () => {
    const f = fakeFetch((_url, init) => {
      const req = JSON.parse(String(init?.body));
      if (req.dialog) return json({ ok: false, cancelled: true });
      return req.path === '/nope' ? json({ error: 'not a datastore: /nope' }) : json({ ok: true });
    });
    const api = createApi({ token: 't', fetch: f.fn });
    await expect(api.open({ demo: true })).resolves.toBe(true);
    expect(f.calls[0].init?.method).toBe('POST');
    expect(f.calls[0].init?.body).toBe('{"demo":true}');
    expect(new Headers(f.calls[0].init?.headers).get('Content-Type')).toBe('application/json');
    await expect(api.open({ path: '/nope' })).rejects.toThrow('not a datastore: /nope');
    // A cancelled folder dialog is no error, and nothing was opened.
    await expect(api.open({ dialog: true })).resolves.toBe(false);
  });

  it('uses the global fetch by default', async () => {
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(json([]));
    await createApi({ token: 'x' }).flows();
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('takeFragmentToken', () => {
  function mem(): Storage {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) } as Storage;
  }
  it('takes #token=, keeps it for the tab and leaves the deep link', () => {
    const storage = mem();
    const calls: string[] = [];
    const history = { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void calls.push(String(url)) };
    const loc = { hash: '#token=ab12_-&/flows/F/runs/1', pathname: '/', search: '' };
    expect(takeFragmentToken(loc, history, storage)).toBe('ab12_-');
    expect(calls).toEqual(['/#/flows/F/runs/1']);
    // A reload: no fragment, the tab's storage still has it.
    expect(takeFragmentToken({ hash: '#/flows/F', pathname: '/', search: '' }, history, storage)).toBe('ab12_-');
    expect(calls.length).toBe(1);
  });
  it('plain #token= leaves the start route; no token anywhere gives an empty string', () => {
    const calls: string[] = [];
    const history = { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void calls.push(String(url)) };
    expect(takeFragmentToken({ hash: '#token=x1', pathname: '/', search: '' }, history, mem())).toBe('x1');
    expect(calls).toEqual(['/#/']);
    expect(takeFragmentToken({ hash: '#/flows', pathname: '/', search: '' }, history, mem())).toBe('');
    expect(takeFragmentToken({ hash: '#token=<bad>', pathname: '/', search: '' }, history, null)).toBe('');
  });
});
