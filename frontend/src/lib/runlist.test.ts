import { describe, expect, it } from 'vitest';
import { run } from '../testing/fakes';
import { collectTags, filterRuns, reconcile, NO_FILTER } from './runlist';

const list = [
  run('30', '2026-11-25T21:30:00Z', { status: 'running', tags: ['team:ml', 'exp'] }),
  run('20', '2026-11-25T21:20:00Z', { status: 'failed', user: 'alice', system_tags: ['user:alice'] }),
  run('10', '2026-11-25T21:10:00Z', { tags: ['exp'] }),
];

describe('filters', () => {
  it('filters by status', () => {
    expect(filterRuns(list, { ...NO_FILTER, status: 'failed' }).map((r) => r.id)).toEqual(['20']);
  });
  it('filters by tag', () => {
    expect(filterRuns(list, { ...NO_FILTER, tag: 'exp' }).map((r) => r.id)).toEqual(['30', '10']);
    expect(filterRuns(list, { ...NO_FILTER, tag: 'user:tester' }).map((r) => r.id)).toEqual(['30', '10']);
  });
  it('filters by free text over id, user and tags; all words must match', () => {
    expect(filterRuns(list, { ...NO_FILTER, text: 'alice' }).map((r) => r.id)).toEqual(['20']);
    expect(filterRuns(list, { ...NO_FILTER, text: 'TEAM' }).map((r) => r.id)).toEqual(['30']);
    expect(filterRuns(list, { ...NO_FILTER, text: '0 exp' }).map((r) => r.id)).toEqual(['30', '10']);
    expect(filterRuns(list, { ...NO_FILTER, text: 'running' }).map((r) => r.id)).toEqual(['30']);
    expect(filterRuns(list, { ...NO_FILTER, text: 'nobody' })).toEqual([]);
  });
  it('combines filters and returns the list itself when there are none', () => {
    expect(filterRuns(list, { status: 'running', tag: 'exp', text: '3' }).map((r) => r.id)).toEqual(['30']);
    expect(filterRuns(list, NO_FILTER)).toBe(list);
  });
  it('collects the user tags', () => {
    expect(collectTags(list)).toEqual(['exp', 'team:ml']);
  });
});

describe('reconcile', () => {
  it('keeps unchanged objects and takes changed ones', () => {
    const fresh = [{ ...list[0] }, { ...list[1], status: 'succeeded' as const }, { ...list[2] }];
    const out = reconcile(list, fresh, (r) => r.id);
    expect(out[0]).toBe(list[0]);
    expect(out[1]).toBe(fresh[1]);
    expect(out[2]).toBe(list[2]);
  });
});

describe('parameter filter', () => {
  const a = run('2', '2026-11-25T21:20:00Z', {
    parameters: { alpha: '0.9', label: "'second run'", flag: 'True' },
    tags: ['team:ml'],
  });
  const b = run('1', '2026-11-25T21:10:00Z', { parameters: { alpha: '0.10', label: "'first'", flag: 'False' } });
  const c = run('0', '2026-11-25T21:00:00Z');
  const ids = (text: string) => filterRuns([a, b, c], { ...NO_FILTER, text }).map((r) => r.id);
  it('matches name=value exactly, numbers as numbers', () => {
    expect(ids('alpha=0.9')).toEqual(['2']);
    expect(ids('alpha=0.90')).toEqual(['2']);
    expect(ids('alpha=0.1')).toEqual(['1']);
    expect(ids('alpha=0.')).toEqual([]);
    expect(ids('flag=true')).toEqual(['2']);
  });
  it('matches name:value as a part of the value, without the quotes of a string', () => {
    expect(ids('label:second')).toEqual(['2']);
    expect(ids('label:fir')).toEqual(['1']);
    expect(ids("label='first'")).toEqual(['1']);
    expect(ids('label=first')).toEqual(['1']);
  });
  it('combines with the other words and leaves tag words alone', () => {
    expect(ids('alpha=0.9 label:second')).toEqual(['2']);
    expect(ids('alpha=0.9 label:first')).toEqual([]);
    expect(ids('team:ml')).toEqual(['2']);
    expect(ids('unknown=1')).toEqual([]);
  });
});
