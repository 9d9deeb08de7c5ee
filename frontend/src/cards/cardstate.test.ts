import { describe, expect, it } from 'vitest';
import { cardLeftOver, sortCards } from '../stores/task.svelte';
import { cardRef } from '../testing/fakes';
import { cardState } from './cardstate';

const ref = (key: string, attempt: number) => cardRef({ key, attempt });

describe('cardState', () => {
  it('names each state', () => {
    expect(cardState({ final: true, live: false }, { leftOver: false, removed: false })).toBe('final');
    expect(cardState({ final: false, live: true }, { leftOver: false, removed: false })).toBe('live');
    expect(cardState({ final: false, live: false }, { leftOver: false, removed: false })).toBe('stopped');
    expect(cardState({ final: true, live: false }, { leftOver: true, removed: false })).toBe('failed-attempt');
    expect(cardState(null, { leftOver: false, removed: true })).toBe('removed');
    expect(cardState(null, { leftOver: false, removed: false })).toBeNull();
  });
});

describe('task cards', () => {
  const task = {
    attempt: 2,
    attempts: [
      { attempt: 2, status: 'running' as const, started_at: null, finished_at: null, logs: [] },
      { attempt: 1, status: 'failed' as const, started_at: null, finished_at: null, logs: [] },
      { attempt: 0, status: 'succeeded' as const, started_at: null, finished_at: null, logs: [] },
    ],
  };
  it('marks cards of older failed attempts as left over', () => {
    expect(cardLeftOver(ref('a', 2), task)).toBe(false);
    expect(cardLeftOver(ref('b', 1), task)).toBe(true);
    expect(cardLeftOver(ref('c', 0), task)).toBe(false);
    expect(cardLeftOver(ref('d', 5), task)).toBe(false);
  });
  it('sorts latest attempt first, stable within an attempt', () => {
    expect(sortCards([ref('x0', 0), ref('y1', 1), ref('z0', 0), ref('w1', 1)]).map((c) => c.key)).toEqual([
      'y1',
      'w1',
      'x0',
      'z0',
    ]);
  });
});
