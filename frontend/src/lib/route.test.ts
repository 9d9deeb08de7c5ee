import { describe, expect, it } from 'vitest';
import { depth, formatHash, parentRoute, parseHash, withLevel } from './route';

describe('parseHash / formatHash', () => {
  it('round-trips a full route', () => {
    const r = { flow: 'LiveCardFlow', run: '1795642679591111', step: 'train', task: '2', card: 'TGl2ZQ_-x' };
    const hash = formatHash(r);
    expect(hash).toBe('#/flows/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/cards/TGl2ZQ_-x');
    expect(parseHash(hash)).toEqual(r);
  });

  it('encodes each part', () => {
    const r = { flow: 'F', run: 'argo-a/b c', step: 'st#ep' };
    const hash = formatHash(r);
    expect(hash).toBe('#/flows/F/runs/argo-a%2Fb%20c/steps/st%23ep');
    expect(parseHash(hash)).toEqual(r);
  });

  it('parses prefixes and the root', () => {
    expect(parseHash('')).toEqual({});
    expect(parseHash('#')).toEqual({});
    expect(parseHash('#/')).toEqual({});
    expect(parseHash('#/flows/A')).toEqual({ flow: 'A' });
    expect(parseHash('#/flows/A/runs/5/')).toEqual({ flow: 'A', run: '5' });
    expect(formatHash({})).toBe('#/');
  });

  it('drops everything after a malformed part', () => {
    expect(parseHash('#/flows/A/steps/x')).toEqual({ flow: 'A' });
    expect(parseHash('#/flows/A/runs')).toEqual({ flow: 'A' });
    expect(parseHash('#/flows/A/runs/%E0%A4%A')).toEqual({ flow: 'A' });
    expect(parseHash('#/nope/A')).toEqual({});
  });

  it('formats only an unbroken prefix', () => {
    expect(formatHash({ flow: 'A', step: 'x' })).toBe('#/flows/A');
  });
});

describe('navigation helpers', () => {
  it('goes up one level at a time', () => {
    let r = parseHash('#/flows/A/runs/1/steps/s/tasks/t/cards/k');
    const seen: (string | null)[] = [];
    while (depth(r) !== null) {
      seen.push(depth(r));
      r = parentRoute(r);
    }
    expect(seen).toEqual(['card', 'task', 'step', 'run', 'flow']);
    expect(parentRoute({})).toEqual({});
  });

  it('replaces a level and drops the deeper ones', () => {
    const r = { flow: 'A', run: '1', step: 's', task: 't' };
    expect(withLevel(r, 'run', '2')).toEqual({ flow: 'A', run: '2' });
    expect(withLevel(r, 'card', 'k')).toEqual({ ...r, card: 'k' });
    expect(withLevel({ flow: 'A' }, 'task', 't')).toEqual({ flow: 'A' });
  });
});

describe('artifact links', () => {
  it('keeps the artifact after the task, encoded, and goes up to the task', () => {
    const r = { flow: 'A', run: '1', step: 's', task: 't', artifact: 'my value' };
    const hash = formatHash(r);
    expect(hash).toBe('#/flows/A/runs/1/steps/s/tasks/t/artifacts/my%20value');
    expect(parseHash(hash)).toEqual(r);
    expect(depth(r)).toBe('artifact');
    expect(parentRoute(r)).toEqual({ flow: 'A', run: '1', step: 's', task: 't' });
  });
  it('drops an artifact without a task, or beside a card', () => {
    expect(formatHash({ flow: 'A', run: '1', artifact: 'x' })).toBe('#/flows/A/runs/1');
    expect(parseHash('#/flows/A/runs/1/steps/s/tasks/t/cards/k/artifacts/x')).toEqual({ flow: 'A', run: '1', step: 's', task: 't', card: 'k' });
  });
});

describe('compare links', () => {
  it('lists the runs after the flow, each encoded, and goes up to the flow', () => {
    const r = { flow: 'A', compare: ['1', 'x,y', '3'] };
    const hash = formatHash(r);
    expect(hash).toBe('#/flows/A/compare/1,x%2Cy,3');
    expect(parseHash(hash)).toEqual(r);
    expect(depth(r)).toBe('compare');
    expect(parentRoute(r)).toEqual({ flow: 'A' });
  });
  it('drops a compare beside a run, or with an empty id', () => {
    expect(formatHash({ flow: 'A', run: '1', compare: ['1', '2'] })).toBe('#/flows/A/runs/1');
    expect(parseHash('#/flows/A/compare/1,,2')).toEqual({ flow: 'A' });
    expect(parseHash('#/flows/A/compare')).toEqual({ flow: 'A' });
  });
});

describe('task tabs', () => {
  const task = '#/flows/F/runs/R/steps/S/tasks/T';
  it('reads and writes a tab and its stream', () => {
    expect(parseHash(`${task}/logs/stderr`)).toEqual({ flow: 'F', run: 'R', step: 'S', task: 'T', tab: 'logs', stream: 'stderr' });
    expect(parseHash(`${task}/artifacts/my%2Fname`)).toEqual({ flow: 'F', run: 'R', step: 'S', task: 'T', artifact: 'my/name' });
    expect(parseHash(`${task}/artifacts`)).toMatchObject({ tab: 'artifacts' });
    expect(parseHash(`${task}/logs`)).toMatchObject({ tab: 'logs' });
    expect(parseHash(`${task}/logs`).stream).toBeUndefined();
    expect(parseHash(`${task}/cards`)).toMatchObject({ tab: 'cards' });
    expect(formatHash({ flow: 'F', run: 'R', step: 'S', task: 'T', tab: 'logs', stream: 'stderr' })).toBe(`${task}/logs/stderr`);
    expect(formatHash({ flow: 'F', run: 'R', step: 'S', task: 'T', tab: 'artifacts' })).toBe(`${task}/artifacts`);
    expect(formatHash({ flow: 'F', run: 'R', step: 'S', task: 'T', tab: 'logs' })).toBe(`${task}/logs`);
  });
  it('keeps card deep links as they were', () => {
    expect(parseHash(`${task}/cards/k1`)).toEqual({ flow: 'F', run: 'R', step: 'S', task: 'T', card: 'k1' });
    expect(formatHash({ flow: 'F', run: 'R', step: 'S', task: 'T', card: 'k1', tab: 'logs' })).toBe(`${task}/cards/k1`);
  });
  it('drops a tab without a task or an unknown word', () => {
    expect(formatHash({ flow: 'F', run: 'R', tab: 'logs' })).toBe('#/flows/F/runs/R');
    expect(parseHash(`${task}/nope/x`)).toEqual({ flow: 'F', run: 'R', step: 'S', task: 'T' });
  });
  it('goes up from a tab to its task', () => {
    expect(parentRoute(parseHash(`${task}/logs/stderr`))).toEqual({ flow: 'F', run: 'R', step: 'S', task: 'T' });
  });
});

describe('foreach dashboard links', () => {
  it('keeps the dashboard after the step and goes up to the step', () => {
    const r = { flow: 'A', run: '1', step: 'my step', dashboard: true as const };
    const hash = formatHash(r);
    expect(hash).toBe('#/flows/A/runs/1/steps/my%20step/dashboard');
    expect(parseHash(hash)).toEqual(r);
    expect(depth(r)).toBe('dashboard');
    expect(parentRoute(r)).toEqual({ flow: 'A', run: '1', step: 'my step' });
  });
  it('drops the dashboard beside a task or without a step', () => {
    expect(formatHash({ flow: 'A', run: '1', dashboard: true })).toBe('#/flows/A/runs/1');
    expect(formatHash({ flow: 'A', run: '1', step: 's', task: 't', dashboard: true })).toBe('#/flows/A/runs/1/steps/s/tasks/t');
    expect(parseHash('#/flows/A/runs/1/steps/s/tasks/t/dashboard')).toEqual({ flow: 'A', run: '1', step: 's', task: 't' });
  });
});
