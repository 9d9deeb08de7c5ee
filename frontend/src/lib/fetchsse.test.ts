import { describe, expect, it } from 'vitest';
import { FetchEventSource } from './fetchsse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

describe('FetchEventSource', () => {
  it('sends the secret as a header, parses events split across chunks, and reports the end as an error', async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const fetchFake = async (url: string, init?: RequestInit) => {
      seen.push({ url, headers: init?.headers as Record<string, string> });
      return new Response(streamOf(['retry: 1000\n\n: keep-alive\n\nevent: sta', 'tus\ndata: {"a":1}\n\n', 'event: change\r\ndata: {"kind":"x"}\r\n\r\n']), { status: 200 });
    };
    const got: string[] = [];
    let opened = 0;
    const es = new FetchEventSource('/api/events', { 'X-Flowdeck-Token': 's3' }, fetchFake);
    es.onopen = () => void opened++;
    es.addEventListener('status', (ev) => got.push(`status ${ev.data}`));
    es.addEventListener('change', (ev) => got.push(`change ${ev.data}`));
    await new Promise<void>((r) => {
      es.onerror = () => r();
    });
    expect(seen).toEqual([{ url: '/api/events', headers: { 'X-Flowdeck-Token': 's3', Accept: 'text/event-stream' } }]);
    expect(opened).toBe(1);
    expect(got).toEqual(['status {"a":1}', 'change {"kind":"x"}']);
  });

  it('an HTTP error is an error; close() stops without one', async () => {
    let errors = 0;
    const es = new FetchEventSource('/e', {}, async () => new Response('no', { status: 401 }));
    await new Promise<void>((r) => {
      es.onerror = () => {
        errors++;
        r();
      };
    });
    expect(errors).toBe(1);
    let late = 0;
    const es2 = new FetchEventSource('/e', {}, (_u, init) => new Promise((_, rej) => init?.signal?.addEventListener('abort', () => rej(new Error('aborted')))));
    es2.onerror = () => void late++;
    es2.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(late).toBe(0);
  });
});
