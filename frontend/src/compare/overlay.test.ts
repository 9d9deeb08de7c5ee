import { describe, expect, it } from 'vitest';
import { overlay, RUN_FIELD } from './overlay';

const line = (rows: object[], extra: object = {}) => ({
  mark: 'line',
  data: { values: rows },
  encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } },
  ...extra,
});

describe('overlay', () => {
  it('concatenates the rows of each run with a run field and colours by run', () => {
    const o = overlay([
      { run: 'a', spec: line([{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }]) },
      { run: 'b', spec: undefined },
      { run: 'c', spec: line([{ epoch: 0, loss: 0.9 }]) },
    ]);
    expect(o.reason).toBeNull();
    expect(o.runs).toEqual(['a', 'c']);
    const spec = o.spec as { data: { values: Record<string, unknown>[] }; encoding: Record<string, { field?: string }>; params: unknown[] };
    expect(spec.data.values.map((v) => v[RUN_FIELD])).toEqual(['a', 'a', 'c']);
    expect(spec.encoding.color.field).toBe(RUN_FIELD);
    expect(spec.params).toHaveLength(1);
  });

  it('keeps charts apart when marks, fields or data differ, and says why', () => {
    const a = line([{ epoch: 0, loss: 1 }]);
    expect(overlay([{ run: 'a', spec: a }, { run: 'b', spec: { ...a, mark: 'bar' } }]).reason).toMatch(/different marks/);
    expect(
      overlay([{ run: 'a', spec: a }, { run: 'b', spec: line([{ epoch: 0, acc: 1 }], { encoding: { x: { field: 'epoch' }, y: { field: 'acc' } } }) }])
        .reason,
    ).toMatch(/different fields/);
    expect(overlay([{ run: 'a', spec: a }, { run: 'b', spec: { ...a, data: { url: 'https://x/y.csv' } } }]).reason).toMatch(/URL/);
    expect(overlay([{ run: 'a', spec: a }, { run: 'b', spec: line([{ epoch: 0, loss: 1, extra: 2 }]) }]).reason).toMatch(/data have different/);
    expect(overlay([{ run: 'a', spec: a }]).reason).toMatch(/only one run/);
    expect(overlay([{ run: 'a', spec: a }, { run: 'b', spec: { layer: [] } }]).reason).toMatch(/several views/);
  });
});
