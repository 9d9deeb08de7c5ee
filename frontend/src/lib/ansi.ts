// ANSI escape sequences in task logs (coloured loggers, progress bars,
// tqdm). Logs are untrusted, so nothing here builds HTML: the text is split
// into runs, each with a style made only of known class names and numbers,
// and the component renders every run as a text node inside a <span>.
//
// Only SGR ("ESC [ … m") colours, bold, dim, italic and underline are kept;
// every other escape (cursor moves, OSC titles and links, charset switches)
// is removed, so the text reads the same as on a terminal that ignored them.

export interface AnsiStyle {
  /** A palette index 0–15 (class ansi-fg-N) or an "rgb(r, g, b)" colour. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiRun {
  text: string;
  style: AnsiStyle;
}

// ESC [ params intermediates final | ESC ] … (BEL | ESC \) | ESC, its
// intermediates (charset switches: "ESC ( B") and one final character.
// A lone ESC at the very end is dropped too.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;:?<=>]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[ -/]*[^[\]]?/g;

/** True when the text has an escape sequence worth parsing. */
export function hasAnsi(text: string): boolean {
  return text.includes('\x1b');
}

/** The text without any escape sequence. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}

/** The text split into styled runs; consecutive runs never share a style. */
export function parseAnsi(text: string): AnsiRun[] {
  const runs: AnsiRun[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  const push = (s: string) => {
    if (s === '') return;
    const prev = runs[runs.length - 1];
    if (prev && sameStyle(prev.style, style)) prev.text += s;
    else runs.push({ text: s, style });
  };
  for (const m of text.matchAll(ESCAPE)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(text.slice(last));
  return runs;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a.fg === b.fg && a.bg === b.bg && !a.bold === !b.bold && !a.dim === !b.dim && !a.italic === !b.italic && !a.underline === !b.underline
  );
}

// applySgr returns a new style (runs keep theirs) after one SGR sequence.
function applySgr(prev: AnsiStyle, params: string): AnsiStyle {
  if (/[?<=>]/.test(params)) return prev; // private sequences are not SGR
  const s: AnsiStyle = { ...prev };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) {
      for (const k of Object.keys(s)) delete s[k as keyof AnsiStyle];
    } else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 49) delete s.bg;
    else if (c === 38 || c === 48) {
      const [colour, used] = extendedColour(codes, i + 1);
      i += used;
      if (colour !== undefined) {
        if (c === 38) s.fg = colour;
        else s.bg = colour;
      }
    }
  }
  return s;
}

// extendedColour reads "5;N" (256 colours) or "2;R;G;B" after a 38 or 48:
// the colour, and how many codes it used.
function extendedColour(codes: number[], i: number): [number | string | undefined, number] {
  if (codes[i] === 5) {
    const n = codes[i + 1];
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 255) return [undefined, 2];
    return [n < 16 ? n : xterm256(n), 2];
  }
  if (codes[i] === 2) {
    const rgb = codes.slice(i + 1, i + 4);
    if (rgb.length < 3 || rgb.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) return [undefined, 4];
    return [`rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`, 4];
  }
  return [undefined, 1];
}

// xterm256 is the colour of a 256-colour index past the 16 palette entries.
function xterm256(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const k = n - 16;
  const step = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${step(Math.floor(k / 36))}, ${step(Math.floor(k / 6) % 6)}, ${step(k % 6)})`;
}

/** The class names of a run's style (palette colours and font). */
export function ansiClass(s: AnsiStyle): string {
  const c: string[] = [];
  if (typeof s.fg === 'number') c.push(`ansi-fg-${s.fg}`);
  if (typeof s.bg === 'number') c.push(`ansi-bg-${s.bg}`);
  if (s.bold) c.push('ansi-bold');
  if (s.dim) c.push('ansi-dim');
  if (s.italic) c.push('ansi-italic');
  if (s.underline) c.push('ansi-underline');
  return c.join(' ');
}

/** The inline style of a run's 256-colour or true-colour colours ('' when none). */
export function ansiStyle(s: AnsiStyle): string {
  const p: string[] = [];
  if (typeof s.fg === 'string') p.push(`color: ${s.fg}`);
  if (typeof s.bg === 'string') p.push(`background-color: ${s.bg}`);
  return p.join('; ');
}
