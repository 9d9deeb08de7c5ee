import { afterEach, describe, expect, it, vi } from 'vitest';
import { oncePerFrame } from './frame';

describe('oncePerFrame', () => {
  afterEach(() => vi.unstubAllGlobals());

  function fakeFrames() {
    const frames = new Map<number, FrameRequestCallback>();
    let next = 1;
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
      frames.set(next, cb);
      return next++;
    });
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
    const tick = () => {
      const due = [...frames.values()];
      frames.clear();
      for (const cb of due) cb(0);
    };
    return { frames, tick };
  }

  it('runs once per frame however many calls come, and again in the next frame', () => {
    const { frames, tick } = fakeFrames();
    const fn = vi.fn();
    const f = oncePerFrame(fn);
    f();
    f();
    f();
    expect(frames.size).toBe(1);
    expect(fn).not.toHaveBeenCalled();
    tick();
    expect(fn).toHaveBeenCalledTimes(1);
    f();
    tick();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cancel drops the pending run, and a later call schedules again', () => {
    const { frames, tick } = fakeFrames();
    const fn = vi.fn();
    const f = oncePerFrame(fn);
    f();
    f.cancel();
    expect(frames.size).toBe(0);
    tick();
    expect(fn).not.toHaveBeenCalled();
    f();
    tick();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
