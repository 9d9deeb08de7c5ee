import { describe, expect, it } from 'vitest';
import { highlight } from './highlight';

describe('highlight', () => {
  it('keeps every character of the source, in order', () => {
    const src = 'def f(x):\n    """doc"""\n    return x * 2  # twice\n@card(type="blank")\nclass A: pass\n';
    for (const lang of ['python', 'json', 'yaml'] as const) {
      expect(highlight(src, lang).map((t) => t.s).join('')).toBe(src);
    }
  });

  it('colours Python', () => {
    const t = highlight('def f(x):\n    return "s" # c\n', 'python');
    const kinds = Object.fromEntries(t.filter((x) => x.s.trim()).map((x) => [x.s.trim(), x.k]));
    expect(kinds.def).toBe('kw');
    expect(kinds.f).toBe('def');
    expect(kinds.return).toBe('kw');
    expect(kinds['"s"']).toBe('str');
    expect(kinds['# c']).toBe('comment');
  });

  it('colours JSON keys apart from values, and YAML keys', () => {
    const j = highlight('{"k": "v", "n": 1, "b": true}', 'json');
    expect(j.filter((x) => x.k === 'key').map((x) => x.s)).toEqual(['"k"', '"n"', '"b"']);
    expect(j.find((x) => x.s === '1')!.k).toBe('num');
    const y = highlight('database:\n  host: localhost\n  port: 5432\n', 'yaml');
    expect(y.filter((x) => x.k === 'key').map((x) => x.s.trim())).toEqual(['database', 'host', 'port']);
    expect(y.find((x) => x.s === '5432')!.k).toBe('num');
  });
});
