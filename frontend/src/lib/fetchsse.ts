// An EventSource over fetch, for `flowdeck serve --allow-remote`: there the
// secret must travel only in a header (or the URL fragment), and
// EventSource cannot send headers. It speaks the part of SSE that
// /api/events writes (`event:`, `data:`, comments, blank-line dispatch)
// and reports any end of the stream as an error, so the transport's own
// backoff reconnects.

import type { EventSourceLike } from './transport';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class FetchEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((this: never, ev: Event) => unknown) | null = null;
  onerror: ((this: never, ev: Event) => unknown) | null = null;
  readonly #listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  readonly #abort = new AbortController();

  constructor(url: string, headers: Record<string, string>, doFetch: FetchLike = (u, i) => globalThis.fetch(u, i)) {
    void this.#run(url, headers, doFetch);
  }

  addEventListener(type: string, listener: (ev: MessageEvent) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
    this.#abort.abort();
  }

  async #run(url: string, headers: Record<string, string>, doFetch: FetchLike): Promise<void> {
    try {
      const res = await doFetch(url, { headers: { ...headers, Accept: 'text/event-stream' }, signal: this.#abort.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
      this.readyState = 1;
      this.onopen?.call(undefined as never, new Event('open'));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      let event = '';
      let data: string[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl: number;
        while ((nl = buf.search(/\r\n|\n|\r/)) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (data.length) this.#dispatch(event || 'message', data.join('\n'));
            event = '';
            data = [];
          } else if (!line.startsWith(':')) {
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') event = v;
            else if (field === 'data') data.push(v);
          }
        }
      }
      throw new Error('events: stream ended');
    } catch {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.onerror?.call(undefined as never, new Event('error'));
    }
  }

  #dispatch(type: string, data: string): void {
    if (this.readyState === 2) return;
    for (const l of this.#listeners.get(type) ?? []) l(new MessageEvent(type, { data }));
  }
}
