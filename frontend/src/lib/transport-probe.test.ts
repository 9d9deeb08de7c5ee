import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamHandler, Transport } from './transport';
import { probeConfig, withTestProbe } from './transport-probe';

function fakeTransport() {
  let handler: StreamHandler | null = null;
  const t: Transport = {
    kind: 'wails',
    state: 'connected',
    subscribe(h) {
      handler = h;
      return () => {
        handler = null;
      };
    },
  };
  return { t, send: (...a: Parameters<StreamHandler>) => handler?.(...a) };
}

function setMeta(name: string, content: string) {
  const m = document.createElement('meta');
  m.setAttribute('name', name);
  m.setAttribute('content', content);
  document.head.appendChild(m);
}

afterEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('withTestProbe', () => {
  it('is off without a test log or without probe settings', () => {
    const { t } = fakeTransport();
    setMeta('flowdeck-test-probe', '{"watch":{}}');
    expect(probeConfig(document)).toBeNull();
    expect(withTestProbe(t, document)).toBe(t);
    document.head.innerHTML = '';
    setMeta('flowdeck-test-log', '1');
    expect(withTestProbe(t, document)).toBe(t);
    setMeta('flowdeck-test-probe', 'not json');
    expect(probeConfig(document)).toBeNull();
  });

  it('reports delivered events and watched texts with their times, and passes events on', async () => {
    vi.useFakeTimers();
    const posts: { items: Record<string, unknown>[] }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        posts.push(JSON.parse(String(init.body)));
        return new Response('{}');
      }),
    );
    setMeta('flowdeck-token', 'secret');
    setMeta('flowdeck-test-log', '1');
    setMeta('flowdeck-test-probe', JSON.stringify({ watch: { progress: '#p' } }));
    document.body.innerHTML = '<span id="p">1/10</span>';
    const { t, send } = fakeTransport();
    const probed = withTestProbe(t, document);
    expect(probed).not.toBe(t);
    expect(probed.kind).toBe('wails');
    const got: string[] = [];
    probed.subscribe((e) => got.push(e.type));
    send({ type: 'change', change: { kind: 'card_data_changed', card: 'k', created_on: 5 } });
    document.getElementById('p')!.textContent = '2/10';
    await vi.advanceTimersByTimeAsync(150);
    expect(got).toEqual(['change']);
    const items = posts.flatMap((p) => p.items);
    expect(items.map((i) => i.t)).toEqual(['start', 'dom', 'event', 'dom']);
    expect(items[0]).toMatchObject({ transport: 'wails' });
    expect(items[1]).toMatchObject({ name: 'progress', value: '1/10' });
    expect(items[2]).toMatchObject({ kind: 'card_data_changed', created_on: 5 });
    expect(items[3]).toMatchObject({ name: 'progress', value: '2/10' });
    for (const i of items) expect(typeof i.at).toBe('number');
    vi.unstubAllGlobals();
  });
});
