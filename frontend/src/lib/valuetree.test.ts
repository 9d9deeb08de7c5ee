import { describe, expect, it } from 'vitest';
import type { ValueNode } from './schema';
import { cellText, children, copyText, expandable, sizeText, tableOf, tabular, toPlain, typeName } from './valuetree';

const int = (n: number): ValueNode => ({ kind: 'int', type: 'builtins.int', value: n, repr: String(n) });
const str = (s: string): ValueNode => ({ kind: 'str', type: 'builtins.str', value: s, repr: `'${s}'`, len: s.length });

const dict: ValueNode = {
  kind: 'dict',
  type: 'builtins.dict',
  len: 3,
  entries: [
    { key: str('a'), value: int(1) },
    { key: str('b'), value: { kind: 'list', type: 'builtins.list', len: 2, items: [int(1), { kind: 'none', type: 'builtins.NoneType', repr: 'None' }] } },
    { key: int(3), value: str('int key') },
  ],
};

describe('value tree', () => {
  it('labels children by key, index or field', () => {
    expect(children(dict).map((c) => c.label)).toEqual(['"a"', '"b"', '3']);
    expect(children(dict.entries![1].value).map((c) => c.label)).toEqual(['0', '1']);
    const point: ValueNode = { kind: 'tuple', type: '__main__.Point', fields: [{ name: 'x', value: int(1) }, { name: 'y', value: int(2) }] };
    expect(children(point).map((c) => c.label)).toEqual(['x', 'y']);
    expect(expandable(dict)).toBe(true);
    expect(expandable(int(1))).toBe(false);
    expect(expandable({ kind: 'list', items: [] })).toBe(false);
  });
  it('shows strings as their text and sizes with units', () => {
    expect(cellText(str('hello'))).toBe('hello');
    expect(cellText(int(42))).toBe('42');
    expect(sizeText(str('x'.repeat(200000)))).toBe('200,000 chars');
    expect(sizeText(dict)).toBe('3 items');
    expect(sizeText({ kind: 'ndarray', shape: [3, 4] })).toBe('3 × 4');
    expect(typeName(dict)).toBe('dict');
    expect(typeName({ kind: 'object', type: '__main__.Custom' })).toBe('__main__.Custom');
  });
  it('copies dicts as objects, keys that are not text as their repr', () => {
    expect(toPlain(dict)).toEqual({ a: 1, b: [1, null], '3': 'int key' });
    const tupleKey: ValueNode = { kind: 'dict', entries: [{ key: { kind: 'tuple', items: [int(1), int(2)], repr: '(1, 2)' }, value: str('t') }] };
    expect(toPlain(tupleKey)).toEqual({ '(1, 2)': 't' });
    expect(JSON.parse(copyText(dict))).toEqual({ a: 1, b: [1, null], '3': 'int key' });
    expect(toPlain({ kind: 'error', error: 'refuses to call os.system' })).toEqual({ error: 'refuses to call os.system' });
  });
});

describe('tables', () => {
  const df: ValueNode = {
    kind: 'dataframe',
    type: 'pandas.core.frame.DataFrame',
    shape: [100, 2],
    columns: [
      { name: 'epoch', dtype: 'int64', values: [int(0), int(1)] },
      { name: 'split', dtype: 'object', values: [str('train'), str('val')] },
    ],
    index: [int(0), int(1)],
    truncated: true,
  };
  it('lays out a DataFrame with its index and says rows were cut', () => {
    expect(tabular(df)).toBe(true);
    const t = tableOf(df);
    expect(t.headers).toEqual(['', 'epoch (int64)', 'split (object)']);
    expect(t.rows).toEqual([
      ['0', '0', 'train'],
      ['1', '1', 'val'],
    ]);
    expect(t.more).toBe(true);
    expect(toPlain(df)).toEqual({ epoch: [0, 1], split: ['train', 'val'] });
  });
  it('lays out a 2-D array by rows and a 1-D array as one column', () => {
    const flat = Array.from({ length: 12 }, (_, i) => ({ kind: 'float', value: i, repr: `${i}.0` }));
    const t = tableOf({ kind: 'ndarray', dtype: 'float64', shape: [3, 4], items: flat });
    expect(t.headers).toEqual(['', '0', '1', '2', '3']);
    expect(t.rows[2]).toEqual(['2', '8.0', '9.0', '10.0', '11.0']);
    expect(t.more).toBe(false);
    const big = tableOf({ kind: 'ndarray', shape: [1000, 1000], items: flat });
    expect(big.more).toBe(true);
    const one = tableOf({ kind: 'ndarray', shape: [3], items: [str('a'), str('bb'), str('ccc')] });
    expect(one.rows).toEqual([
      ['0', 'a'],
      ['1', 'bb'],
      ['2', 'ccc'],
    ]);
  });
});
