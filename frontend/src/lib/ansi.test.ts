import { describe, expect, it } from 'vitest';
import { ansiClass, ansiStyle, hasAnsi, parseAnsi, stripAnsi } from './ansi';

const E = '\x1b';

describe('parseAnsi', () => {
  it('leaves plain text as one unstyled run', () => {
    expect(hasAnsi('plain <b>text</b>')).toBe(false);
    expect(parseAnsi('plain <b>text</b>')).toEqual([{ text: 'plain <b>text</b>', style: {} }]);
  });

  it('splits on SGR colours and resets', () => {
    const runs = parseAnsi(`a ${E}[31mred${E}[0m b ${E}[1;92mbold green${E}[m end`);
    expect(runs).toEqual([
      { text: 'a ', style: {} },
      { text: 'red', style: { fg: 1 } },
      { text: ' b ', style: {} },
      { text: 'bold green', style: { bold: true, fg: 10 } },
      { text: ' end', style: {} },
    ]);
    expect(ansiClass(runs[3].style)).toBe('ansi-fg-10 ansi-bold');
  });

  it('reads 256-colour and true-colour sequences as numbers only', () => {
    const [a, b, c] = parseAnsi(`${E}[38;5;196mx${E}[48;2;1;2;3my${E}[38;5;4mz`);
    expect(ansiStyle(a.style)).toBe('color: rgb(255, 0, 0)');
    expect(ansiStyle(b.style)).toBe('color: rgb(255, 0, 0); background-color: rgb(1, 2, 3)');
    expect(c.style.fg).toBe(4);
    // Out-of-range values are ignored, never copied into a style.
    expect(parseAnsi(`${E}[38;2;999;0;0mx`)[0].style).toEqual({});
  });

  it('removes every other escape and merges runs that look the same', () => {
    const text = `${E}]0;title${E}\\10%${E}[2K${E}[1A${E}[?25l\r${E}[32m${E}[32mdone${E}(B${E}`;
    expect(stripAnsi(text)).toBe('10%\rdone');
    expect(parseAnsi(text)).toEqual([
      { text: '10%\r', style: {} },
      { text: 'done', style: { fg: 2 } },
    ]);
  });

  it('keeps markup in the text as text', () => {
    const runs = parseAnsi(`${E}[31m<img src=x onerror=alert(1)>${E}[0m`);
    expect(runs).toEqual([{ text: '<img src=x onerror=alert(1)>', style: { fg: 1 } }]);
  });
});
