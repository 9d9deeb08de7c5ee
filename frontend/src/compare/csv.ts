// The compare table as CSV, built from the rows the page shows (the server
// sends no ValueBox rows: they are built in the page, valueboxes.ts). The
// quoting is that of Go's encoding/csv, which wrote this file before; the
// serve mode downloads it as a file, the window sends it to the server to be
// saved where the user picks (POST /api/flows/{flow}/compare/csv).

import type { CompareResult } from '../lib/schema';

/**
 * The table: a header of group, name, source and one column per run id,
 * then one line per row; a value a run lacks is empty. Lines end with \n.
 */
export function compareCsv(res: Pick<CompareResult, 'runs' | 'rows'>): string {
  const lines = [['group', 'name', 'source', ...res.runs.map((r) => r.id)]];
  for (const row of res.rows) {
    lines.push([row.group, row.name, row.detail ?? '', ...row.values.map((v) => (v === null ? '' : defuse(v)))]);
  }
  return lines.map((l) => l.map(field).join(',') + '\n').join('');
}

/**
 * Keeps a spreadsheet from reading an untrusted value as a formula (OWASP
 * "CSV injection"): a leading = + @ tab or carriage return gets a quote
 * mark. A leading "-" is left alone, being a negative number far more often
 * than a formula.
 */
export function defuse(s: string): string {
  return s !== '' && '=+@\t\r'.includes(s[0]) ? `'${s}` : s;
}

// Go's unicode.IsSpace: a field starting with one is quoted.
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

// One field as encoding/csv writes it: quoted (quotes doubled) when it holds
// a comma, a quote or a line break, starts with a space, or is \. alone.
function field(s: string): string {
  const quote = s !== '' && (s === '\\.' || /[,"\r\n]/.test(s) || LEADING_SPACE.test(s));
  return quote ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Offers text as a file download named name (serve mode: no native save dialog). */
export function download(text: string, name: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken the blob by the time the click returns in every
  // engine; revoking later still is cheap insurance.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
