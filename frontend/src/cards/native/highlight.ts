// Small offline tokenizers for the code a card shows (pythonCode, the JSON
// and YAML viewers, artifact reprs). They only colour: every character of the
// input is in exactly one token, in order, so the text shown is the text of
// the card. Rendered as text nodes, never as HTML.

export type TokenKind =
  | 'plain'
  | 'kw'
  | 'builtin'
  | 'str'
  | 'num'
  | 'comment'
  | 'deco'
  | 'def'
  | 'op'
  | 'key'
  | 'lit'
  | 'punct';

export interface Token {
  k: TokenKind;
  s: string;
}

const PY_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield match case'
  ).split(' '),
);
const PY_BUILTINS = new Set(
  (
    'print len range dict list set tuple str int float bool bytes object type isinstance super open enumerate zip ' +
    'map filter sorted min max sum abs any all self cls Exception ValueError KeyError TypeError'
  ).split(' '),
);

interface Rule {
  re: RegExp;
  k: TokenKind | ((m: string, prev: string) => TokenKind);
}

// Sticky regexes tried in order at each position.
const PY_RULES: Rule[] = [
  { re: /#[^\n]*/y, k: 'comment' },
  { re: /[rRbBuUfF]{0,2}("""[\s\S]*?(?:"""|$(?![\s\S]))|'''[\s\S]*?(?:'''|$(?![\s\S])))/y, k: 'str' },
  { re: /[rRbBuUfF]{0,2}("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/y, k: 'str' },
  { re: /@[A-Za-z_][\w.]*/y, k: 'deco' },
  { re: /(?:0[xXoObB][\da-fA-F_]+|\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?j?|\.\d[\d_]*(?:[eE][+-]?\d+)?j?)/y, k: 'num' },
  {
    re: /[A-Za-z_]\w*/y,
    k: (m, prev) => (prev === 'def' || prev === 'class' ? 'def' : PY_KEYWORDS.has(m) ? 'kw' : PY_BUILTINS.has(m) ? 'builtin' : 'plain'),
  },
  { re: /\s+/y, k: 'plain' },
  { re: /[-+*/%=<>!&|^~:]+/y, k: 'op' },
  { re: /[()[\]{},.;]/y, k: 'punct' },
  { re: /[^]/y, k: 'plain' },
];

const JSON_RULES: Rule[] = [
  { re: /"(?:[^"\\]|\\.)*"(?=\s*:)/y, k: 'key' },
  { re: /"(?:[^"\\]|\\.)*"?/y, k: 'str' },
  { re: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y, k: 'num' },
  { re: /\b(?:true|false|null)\b/y, k: 'lit' },
  { re: /\s+/y, k: 'plain' },
  { re: /[{}[\],:]/y, k: 'punct' },
  { re: /[^]/y, k: 'plain' },
];

const YAML_RULES: Rule[] = [
  { re: /#[^\n]*/y, k: 'comment' },
  { re: /(?<=^|\n)[ \t]*(?:- )?[^\s#:][^\n:#]*(?=:(?:\s|$))/y, k: 'key' },
  { re: /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\n]|'')*'?/y, k: 'str' },
  { re: /-?\d+(?:\.\d+)?(?=\s*(?:$|\n|#))/y, k: 'num' },
  { re: /\b(?:true|false|null|yes|no|True|False|~)\b/y, k: 'lit' },
  { re: /[^\S\n]+|\n/y, k: 'plain' },
  { re: /[:\-[\]{},|>]/y, k: 'punct' },
  { re: /[^\s:#"'[\]{},]+/y, k: 'plain' },
  { re: /[^]/y, k: 'plain' },
];

function tokenize(src: string, rules: Rule[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  let prevWord = '';
  while (i < src.length) {
    for (const r of rules) {
      r.re.lastIndex = i;
      const m = r.re.exec(src);
      if (!m || m[0] === '') continue;
      const s = m[0];
      const k = typeof r.k === 'function' ? r.k(s, prevWord) : r.k;
      if (/\S/.test(s)) prevWord = s;
      const last = out[out.length - 1];
      // Merge runs of the same kind: fewer DOM nodes for big sources.
      if (last && last.k === k && (k === 'plain' || k === 'punct' || k === 'op')) last.s += s;
      else out.push({ k, s });
      i += s.length;
      break;
    }
  }
  return out;
}

export type Language = 'python' | 'json' | 'yaml';

/** Past this size code is shown plain: colouring it would cost more than it helps. */
const MAX_HIGHLIGHT = 200_000;

export function highlight(src: string, lang: Language): Token[] {
  if (src.length > MAX_HIGHLIGHT) return [{ k: 'plain', s: src }];
  return tokenize(src, lang === 'python' ? PY_RULES : lang === 'json' ? JSON_RULES : YAML_RULES);
}
