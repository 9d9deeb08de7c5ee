import { describe, expect, it } from 'vitest';
import type { CardData } from '../../lib/schema';
import { GROW_LIMIT, LOADING_TIMEOUT, NO_BRIDGE_GRACE, OriginalController } from './controller';
import { clampHeight, MAX_FRAME_HEIGHT, MIN_FRAME_HEIGHT, parseBridgeMessage, type HostMessage } from './protocol';

function setup(scripts = true) {
  const posts: { gen: number; msg: HostMessage }[] = [];
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const ctl = new OriginalController(scripts, {
    post: (gen, msg) => posts.push({ gen, msg }),
    onChange: () => undefined,
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      due.fn();
    }
  };
  const phases = () => ctl.frames.map((f) => `${f.gen}:${f.phase}`);
  return { ctl, posts, advance, phases };
}

const data = (token: string, v: number, created_on = v): CardData => ({ reload_token: token, data: { v }, created_on });

describe('OriginalController', () => {
  it('shows the first frame at once and sends it the newest data when it is ready', () => {
    const { ctl, posts, phases } = setup();
    ctl.start();
    expect(phases()).toEqual(['1:shown']);
    const d = data('t1', 1);
    ctl.setData(d);
    expect(posts).toEqual([]); // not ready yet
    ctl.onMessage(1, { type: 'ready', token: 't1', updatable: true, height: 300 });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ gen: 1, msg: { source: 'flowdeck-host', v: 1, type: 'data', payload: d } });
    ctl.onMessage(1, { type: 'settled', seq: posts[0].msg.seq, outcome: 'applied', token: 't1', dataToken: 't1' });
    expect(ctl.stats).toMatchObject({ applied: 1, appliedCreated: 1, loads: 1 });
    expect(ctl.shown?.height).toBe(300);
  });

  it('pushes each newer data once, and nothing for the same data', () => {
    const { ctl, posts } = setup();
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: 't1', updatable: true, height: 100 });
    const d2 = data('t1', 2);
    ctl.setData(d2);
    ctl.setData(d2);
    ctl.setData(data('t1', 3));
    expect(posts.map((p) => (p.msg.payload.data as { v: number }).v)).toEqual([2, 3]);
    expect(posts.map((p) => p.msg.seq)).toEqual([1, 2]);
  });

  it('loads a new HTML behind the shown frame and swaps once the data is applied', () => {
    const { ctl, posts, phases } = setup();
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: 't1', updatable: true, height: 100 });
    ctl.setData(data('t2', 5));
    ctl.htmlChanged();
    expect(phases()).toEqual(['1:shown', '2:loading']);
    ctl.onLoad(2);
    ctl.onMessage(2, { type: 'ready', token: 't2', updatable: true, height: 200 });
    const sent = posts.filter((p) => p.gen === 2);
    expect(sent).toHaveLength(1);
    expect(phases()).toEqual(['1:shown', '2:loading']); // not before the data is in
    ctl.onMessage(2, { type: 'settled', seq: sent[0].msg.seq, outcome: 'applied', token: 't2', dataToken: 't2' });
    expect(phases()).toEqual(['2:shown']);
    expect(ctl.stats.loads).toBe(2);
  });

  it('swaps a loading frame at once when there is no data, and after a timeout when it never answers', () => {
    const { ctl, advance, phases } = setup();
    ctl.start();
    ctl.htmlChanged();
    ctl.onMessage(2, { type: 'ready', token: 't', updatable: false, height: 50 });
    expect(phases()).toEqual(['2:shown']);
    ctl.htmlChanged();
    expect(phases()).toEqual(['2:shown', '3:loading']);
    advance(LOADING_TIMEOUT - 1);
    expect(phases()).toEqual(['2:shown', '3:loading']);
    advance(1);
    expect(phases()).toEqual(['3:shown']);
  });

  it('replaces a loading frame by a newer one', () => {
    const { ctl, phases } = setup();
    ctl.start();
    ctl.htmlChanged();
    ctl.htmlChanged();
    expect(phases()).toEqual(['1:shown', '3:loading']);
  });

  it('reloads on a token mismatch once per data token, and only when it can help', () => {
    const { ctl, posts, phases } = setup();
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: 't1', updatable: true, height: 100 });
    ctl.setData(data('t2', 2));
    const seq = posts[0].msg.seq;
    // A request about older data, or not in the page's terms: ignored.
    ctl.onMessage(1, { type: 'reload', seq: seq + 7, token: 't1', dataToken: 't2' });
    ctl.onMessage(1, { type: 'reload', seq, token: 'other', dataToken: 't2' });
    expect(phases()).toEqual(['1:shown']);
    ctl.onMessage(1, { type: 'reload', seq, token: 't1', dataToken: 't2' });
    expect(phases()).toEqual(['1:shown', '2:loading']);
    expect(ctl.stats.reloads).toBe(1);
    // The reload brought back the same page (HTML for t2 not on disk yet): keep the old frame.
    ctl.onMessage(2, { type: 'ready', token: 't1', updatable: true, height: 100 });
    expect(phases()).toEqual(['1:shown']);
    // Asked again for the same data token: no second reload.
    ctl.onMessage(1, { type: 'reload', seq, token: 't1', dataToken: 't2' });
    expect(phases()).toEqual(['1:shown']);
    expect(ctl.stats.reloads).toBe(1);
    // The HTML changes: reloads allowed again.
    ctl.htmlChanged();
    expect(phases()).toEqual(['1:shown', '3:loading']);
  });

  it('does not reload when the frame shows the newest HTML the index knows, or for final data', () => {
    const { ctl, posts, phases } = setup();
    ctl.setHtmlToken('t1');
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: 't1', updatable: true, height: 100 });
    ctl.setData(data('t2', 2));
    ctl.onMessage(1, { type: 'reload', seq: posts[0].msg.seq, token: 't1', dataToken: 't2' });
    expect(phases()).toEqual(['1:shown']);
    ctl.setHtmlToken(null);
    ctl.setData(data('final', 3));
    ctl.onMessage(1, { type: 'reload', seq: posts[1].msg.seq, token: 't1', dataToken: 'final' });
    expect(phases()).toEqual(['1:shown']);
    expect(ctl.stats.reloads).toBe(0);
  });

  it('does not reload a frame made after the data arrived (its HTML is newer than the data)', () => {
    const { ctl, posts, phases } = setup();
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: 's1', updatable: true, height: 100 });
    ctl.setData(data('s1', 3));
    ctl.htmlChanged(); // render 2 on disk; the index does not know its token yet
    ctl.onMessage(2, { type: 'ready', token: 's2', updatable: true, height: 100 });
    const sent = posts.filter((p) => p.gen === 2);
    ctl.onMessage(2, { type: 'reload', seq: sent[0].msg.seq, token: 's2', dataToken: 's1' });
    expect(phases()).toEqual(['2:shown']);
    expect(ctl.stats.reloads).toBe(0);
  });

  it('marks a frame whose later document has no bridge as navigated away', () => {
    const { ctl, advance } = setup();
    ctl.start();
    ctl.onLoad(1); // the load may come before the ready
    ctl.onMessage(1, { type: 'ready', token: 't', updatable: false, height: 100 });
    advance(NO_BRIDGE_GRACE);
    expect(ctl.shown?.navigatedAway).toBe(false);
    ctl.onLoad(1); // a second document, and no ready for it
    advance(NO_BRIDGE_GRACE);
    expect(ctl.shown?.navigatedAway).toBe(true);
    // A bridged document again (e.g. the user reloads).
    ctl.onMessage(1, { type: 'ready', token: 't', updatable: false, height: 100 });
    expect(ctl.shown?.navigatedAway).toBe(false);
  });

  it('clamps heights and stops a growth loop, but not growth with changing steps', () => {
    const { ctl, advance } = setup();
    ctl.start();
    ctl.onMessage(1, { type: 'ready', token: null, updatable: false, height: 1 });
    expect(ctl.shown?.height).toBe(MIN_FRAME_HEIGHT);
    ctl.onMessage(1, { type: 'size', height: 1e12 });
    expect(ctl.shown?.height).toBe(MAX_FRAME_HEIGHT);
    ctl.onMessage(1, { type: 'size', height: 500 });
    for (let i = 1; i <= GROW_LIMIT + 5; i++) {
      advance(10);
      ctl.onMessage(1, { type: 'size', height: 500 + 24 * i });
    }
    expect(ctl.shown?.frozen).toBe(true);
    expect(ctl.shown?.height).toBe(500 + 24 * GROW_LIMIT);
    ctl.onMessage(1, { type: 'size', height: 300 }); // shrinking still works
    expect(ctl.shown?.height).toBe(300);

    const b = setup();
    b.ctl.start();
    b.ctl.onMessage(1, { type: 'ready', token: null, updatable: false, height: 100 });
    let h = 100;
    for (let i = 1; i <= GROW_LIMIT * 3; i++) {
      b.advance(10);
      h += 10 + (i % 7);
      b.ctl.onMessage(1, { type: 'size', height: h });
    }
    expect(b.ctl.shown?.frozen).toBe(false);
    expect(b.ctl.shown?.height).toBe(h);
  });

  it('without scripts: no data, messages rejected, consent replaces the frame', () => {
    const { ctl, posts, phases } = setup(false);
    ctl.start();
    expect(ctl.frames[0].scripts).toBe(false);
    ctl.setData(data('t', 1));
    ctl.onMessage(1, { type: 'ready', token: 't', updatable: true, height: 10 });
    expect(posts).toEqual([]);
    expect(ctl.stats.rejected).toBe(1);
    ctl.enableScripts();
    expect(phases()).toEqual(['2:shown']);
    expect(ctl.frames[0].scripts).toBe(true);
    ctl.onMessage(2, { type: 'ready', token: 't', updatable: true, height: 10 });
    expect(posts).toHaveLength(1);
  });

  it('ignores messages for frames it does not have', () => {
    const { ctl } = setup();
    ctl.start();
    ctl.onMessage(9, { type: 'size', height: 100 });
    expect(ctl.stats.rejected).toBe(1);
    expect(ctl.shown?.height).toBeNull();
  });
});

describe('parseBridgeMessage', () => {
  const ok = { source: 'flowdeck-card', v: 1 };
  it('accepts exactly the bridge format', () => {
    expect(parseBridgeMessage({ ...ok, type: 'ready', token: 'final', updatable: true, height: 10 })).toEqual({
      type: 'ready', token: 'final', updatable: true, height: 10,
    });
    expect(parseBridgeMessage({ ...ok, type: 'size', height: 5.5 })).toEqual({ type: 'size', height: 5.5 });
    expect(parseBridgeMessage({ ...ok, type: 'settled', seq: 3, outcome: 'applied', token: null, dataToken: 'x', junk: 1 })).toEqual({
      type: 'settled', seq: 3, outcome: 'applied', token: null, dataToken: 'x',
    });
    expect(parseBridgeMessage({ ...ok, type: 'reload', seq: 0, token: 'a', dataToken: 'b' })).toEqual({
      type: 'reload', seq: 0, token: 'a', dataToken: 'b',
    });
  });
  it('rejects anything else', () => {
    for (const m of [
      null, 'ready', [], { type: 'open', path: '/' },
      { ...ok, v: 2, type: 'size', height: 1 },
      { source: 'other', v: 1, type: 'size', height: 1 },
      { ...ok, type: 'size', height: Infinity },
      { ...ok, type: 'size', height: '10' },
      { ...ok, type: 'ready', token: 'x'.repeat(600), updatable: true, height: 1 },
      { ...ok, type: 'ready', token: 1, updatable: true, height: 1 },
      { ...ok, type: 'settled', seq: -1, outcome: 'applied', token: null, dataToken: null },
      { ...ok, type: 'settled', seq: 1.5, outcome: 'applied', token: null, dataToken: null },
      { ...ok, type: 'settled', seq: 1, outcome: 'pwned', token: null, dataToken: null },
      { ...ok, type: 'reload', seq: 1, token: 'a' },
      { ...ok, type: 'navigate', url: 'https://example.com' },
    ]) {
      expect(parseBridgeMessage(m)).toBeNull();
    }
  });
  it('clamps heights', () => {
    expect(clampHeight(-5)).toBe(MIN_FRAME_HEIGHT);
    expect(clampHeight(123.2)).toBe(124);
    expect(clampHeight(1e9)).toBe(MAX_FRAME_HEIGHT);
  });
});
