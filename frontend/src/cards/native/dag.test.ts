import { describe, expect, it } from 'vitest';
import { layoutDag, readGraph } from './dag';

// Graphs as the server sends them (cards.AnnotateDAG, the run detail's dag):
// normalised by cards/dag.go, so a split start is "split".
const step = (name: string, type: string, next: string[], extra: Record<string, unknown> = {}) => ({ name, type, next, doc: '', ...extra });
const split = {
  steps: [
    step('start', 'split', ['branch_a', 'branch_b'], { box_next: true, box_ends: 'join', doc: 'Create a variety of artifacts.' }),
    step('branch_a', 'linear', ['join']),
    step('branch_b', 'linear', ['join']),
    step('join', 'join', ['end'], { doc: 'Join.' }),
    step('end', 'end', []),
  ],
  start_step: 'start',
  end_step: 'end',
};

describe('dag layout', () => {
  it('reads the normalised graph', () => {
    const g = readGraph(split);
    expect([...g.steps.keys()]).toEqual(['start', 'branch_a', 'branch_b', 'join', 'end']);
    expect([g.start, g.end]).toEqual(['start', 'end']);
    expect(g.steps.get('start')!.doc).toBe('Create a variety of artifacts.');
  });

  it('layers a split and its join, branches side by side', () => {
    const l = layoutDag(readGraph(split));
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
      readGraph({
        steps: [
          step('start', 'foreach', ['process'], { box_ends: 'join' }),
          step('process', 'linear', ['join']),
          step('join', 'join', ['end']),
          step('end', 'end', []),
        ],
        start_step: 'start',
        end_step: 'end',
      }),
    );
    const depth = Object.fromEntries(l.nodes.map((n) => [n.step.name, n.depth]));
    expect(depth).toEqual({ start: 0, process: 1, join: 0, end: 0 });
  });

  it('draws a recursive switch as a back edge, with case labels', () => {
    const l = layoutDag(
      readGraph({
        steps: [
          step('start', 'start', ['loop']),
          step('loop', 'switch', ['loop', 'end'], { switch_cases: { again: 'loop', done: 'end' } }),
          step('end', 'end', []),
        ],
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
    expect(layoutDag(readGraph(null)).nodes).toEqual([]);
    expect(layoutDag(readGraph({ steps: { a: {} } })).nodes).toEqual([]);
    expect(layoutDag(readGraph({ steps: [{ name: 'a', next: ['missing'] }, { name: 'a' }, 7] })).nodes).toHaveLength(1);
  });
});
