import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame';

function fakeFrames() {
  const queue: (() => void)[] = [];
  return {
    frame: (cb: () => void) => queue.push(cb),
    next() {
      const q = queue.splice(0);
      for (const cb of q) cb();
      return q.length;
    },
    get scheduled() {
      return queue.length;
    },
  };
}

describe('FrameBatcher', () => {
  it('applies at most one value per key per frame, the newest, in one batch', () => {
    const f = fakeFrames();
    const batches: [string, number][][] = [];
    const b = new FrameBatcher<string, number>((m) => batches.push([...m]), f.frame);
    b.push('a', 1);
    b.push('b', 1);
    b.push('a', 2);
    b.push('a', 3);
    expect(f.scheduled).toBe(1);
    expect(batches).toEqual([]);
    f.next();
    expect(batches).toEqual([[['a', 3], ['b', 1]]]);
    expect(b.pending).toBe(0);
  });
  it('schedules a new frame only when something is pushed after a flush', () => {
    const f = fakeFrames();
    let n = 0;
    const b = new FrameBatcher<string, number>(() => n++, f.frame);
    expect(f.next()).toBe(0);
    b.push('a', 1);
    f.next();
    expect(f.next()).toBe(0);
    b.push('a', 2);
    f.next();
    expect(n).toBe(2);
  });
  it('drops everything once stopped', () => {
    const f = fakeFrames();
    let n = 0;
    const b = new FrameBatcher<string, number>(() => n++, f.frame);
    b.push('a', 1);
    b.stop();
    f.next();
    b.push('a', 2);
    f.next();
    expect(n).toBe(0);
  });
});
