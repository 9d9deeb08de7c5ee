import { describe, expect, it, vi } from 'vitest';
import type { Component } from 'svelte';
import { lazy } from './lazy.svelte';

const C = (() => null) as unknown as Component;

describe('lazy', () => {
  it('loads on first read, once, and then gives the component', async () => {
    const load = vi.fn(async () => ({ default: C }));
    const l = lazy(load);
    expect(load).not.toHaveBeenCalled();
    expect(l.current).toBeNull();
    expect(l.current).toBeNull();
    await l.preload();
    expect(l.current).toBe(C);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps a failed load as an error, and loads again when asked', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('chunk gone')).mockResolvedValue({ default: C });
    const l = lazy(load);
    await l.preload();
    expect(l.current).toBeNull();
    expect(l.error?.message).toBe('chunk gone');
    // Reading does not retry by itself (a view showing the error would loop).
    expect(l.current).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    await l.preload();
    expect(l.current).toBe(C);
    expect(l.error).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
