import { describe, expect, it } from 'vitest';
import { layoutDag, readDag } from './dag';

const modern = {
  steps: {
    start: { type: 'unknown', box_next: true, box_ends: 'join', next: ['branch_a', 'branch_b'], doc: 'Create a variety of artifacts.' },
    branch_a: { type: 'linear', box_next: false, box_ends: null, next: ['join'], doc: '' },
    branch_b: { type: 'linear', box_next: false, box_ends: null, next: ['join'], doc: '' },
    join: { type: 'join', box_next: false, box_ends: null, next: ['end'], doc: 'Join.' },
    end: { type: 'end', box_next: true, box_ends: null, next: [], doc: '' },
  },
  start_step: 'start',
  end_step: 'end',
};

describe('dag layout', () => {
  it('reads both data shapes the same way', () => {
    const a = readDag(modern);
    const b = readDag(modern.steps);
    expect([...a.steps.keys()]).toEqual([...b.steps.keys()]);
    expect([a.start, a.end, b.start, b.end]).toEqual(['start', 'end', 'start', 'end']);
  });

  it('layers a split and its join, branches side by side', () => {
    const l = layoutDag(readDag(modern));
    const by = Object.fromEntries(l.nodes.map((n) => [n.step.name, n]));
    expect(by.start.layer).toBe(0);
    expect(by.branch_a.layer).toBe(1);
    expect(by.branch_b.layer).toBe(1);
    expect(by.branch_a.x).toBeLessThan(by.branch_b.x);
    expect(by.join.layer).toBe(2);
    expect(by.end.layer).toBe(3);
    expect(by.start.badge).toBe('split');
    expect(by.join.badge).toBe('join');
    expect(l.edges).toHaveLength(5);
  });

  it('marks foreach bodies one level deep', () => {
    const l = layoutDag(
      readDag({
        start: { type: 'foreach', box_ends: 'join', next: ['process'], doc: '' },
        process: { type: 'linear', next: ['join'], doc: '' },
        join: { type: 'join', next: ['end'], doc: '' },
        end: { type: 'end', next: [], doc: '' },
      }),
    );
    const depth = Object.fromEntries(l.nodes.map((n) => [n.step.name, n.depth]));
    expect(depth).toEqual({ start: 0, process: 1, join: 0, end: 0 });
  });

  it('draws a recursive switch as a back edge, with case labels', () => {
    const l = layoutDag(
      readDag({
        steps: {
          start: { type: 'start', next: ['loop'] },
          loop: { type: 'switch', next: ['loop', 'end'], switch_cases: { again: 'loop', done: 'end' } },
          end: { type: 'end', next: [] },
        },
        start_step: 'start',
        end_step: 'end',
      }),
    );
    const self = l.edges.find((e) => e.from === 'loop' && e.to === 'loop')!;
    expect(self.back).toBe(true);
    expect(self.label).toBe('again');
    expect(l.edges.find((e) => e.to === 'end')!.label).toBe('done');
  });

  it('survives junk', () => {
    expect(layoutDag(readDag(null)).nodes).toEqual([]);
    expect(layoutDag(readDag({ a: { next: ['missing'] } })).nodes).toHaveLength(1);
  });
});
