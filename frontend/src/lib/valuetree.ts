// Pure logic of the artifact value viewer: what a node of a decoded pickle
// (ValueNode, sent by the server as decoded) shows in one line, which
// children it expands to, the table of a DataFrame or array, and "copy as
// JSON". The server owns decoding and limits; this only presents.

import type { ValueNode } from './schema';

/** Children shown at once; "Show more" reveals the next page. */
export const PAGE = 100;

const CONTAINERS = new Set(['list', 'tuple', 'set', 'frozenset', 'dict', 'object']);

/** A child of an expandable node, with the label it is shown under. */
export interface Child {
  label: string;
  node: ValueNode;
}

/** The node's value as a short text: a string's own text, else its repr. */
export function cellText(v: ValueNode): string {
  if (v.kind === 'str' && typeof v.value === 'string') return v.value;
  if (v.repr !== undefined && v.repr !== '') return v.repr;
  if (v.value !== undefined) return String(v.value);
  if (v.kind === 'none') return 'None';
  if (v.kind === 'error') return v.error ?? 'unreadable';
  return v.type ?? v.kind;
}

/** The type shown beside a value: its class without the builtins module. */
export function typeName(v: ValueNode): string {
  const t = v.type ?? v.kind;
  return t.startsWith('builtins.') ? t.slice('builtins.'.length) : t;
}

/** A count with its unit ("4 items", "11 chars", "3 × 4"). */
export function sizeText(v: ValueNode): string {
  if (v.shape !== undefined && v.shape.length > 0) return v.shape.join(' × ');
  if (v.len === undefined) return '';
  if (v.kind === 'str') return `${v.len.toLocaleString('en-US')} chars`;
  if (v.kind === 'bytes') return `${v.len.toLocaleString('en-US')} bytes`;
  return `${v.len.toLocaleString('en-US')} ${v.len === 1 ? 'item' : 'items'}`;
}

/** The children of a node in the tree: items, dict entries or fields. */
export function children(v: ValueNode): Child[] {
  if (v.entries !== undefined) return v.entries.map((e) => ({ label: keyText(e.key), node: e.value }));
  if (v.fields !== undefined && v.fields.length > 0) return v.fields.map((f) => ({ label: f.name, node: f.value }));
  if (v.items !== undefined && v.kind !== 'ndarray') return v.items.map((node, i) => ({ label: String(i), node }));
  return [];
}

function keyText(k: ValueNode): string {
  return k.kind === 'str' ? JSON.stringify(k.value ?? '') : cellText(k);
}

/** Whether the node opens as a tree (containers with something inside). */
export function expandable(v: ValueNode): boolean {
  return (CONTAINERS.has(v.kind) || v.fields !== undefined) && children(v).length > 0;
}

/** Whether the node is shown as a table (DataFrames, Series and arrays). */
export function tabular(v: ValueNode): boolean {
  return (v.kind === 'dataframe' || v.kind === 'series') && (v.columns?.length ?? 0) > 0
    ? true
    : v.kind === 'ndarray' && (v.items?.length ?? 0) > 0;
}

export interface Table {
  headers: string[];
  rows: string[][];
  /** Rows or cells the decoder did not send. */
  more: boolean;
}

/**
 * The table of a DataFrame or Series (index first, then one column each),
 * or of an array: a 2-D array row by row, anything else as one column of
 * its flattened values.
 */
export function tableOf(v: ValueNode): Table {
  if (v.columns !== undefined && v.columns.length > 0) {
    const n = Math.max(...v.columns.map((c) => c.values.length));
    const index = v.index ?? [];
    const headers = ['', ...v.columns.map((c) => (c.dtype ? `${c.name} (${c.dtype})` : c.name))];
    const rows: string[][] = [];
    for (let r = 0; r < n; r++) {
      const label = index[r] !== undefined ? cellText(index[r]) : String(r);
      rows.push([label, ...v.columns.map((c) => (c.values[r] !== undefined ? cellText(c.values[r]) : ''))]);
    }
    const total = v.shape?.[0] ?? n;
    return { headers, rows, more: v.truncated === true || total > n };
  }
  const items = v.items ?? [];
  const shape = v.shape ?? [items.length];
  const total = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 2 && shape[1] > 0) {
    const cols = shape[1];
    const rows: string[][] = [];
    for (let r = 0; r * cols < items.length; r++) {
      rows.push([String(r), ...items.slice(r * cols, (r + 1) * cols).map(cellText)]);
    }
    return { headers: ['', ...Array.from({ length: cols }, (_, i) => String(i))], rows, more: total > items.length };
  }
  return { headers: ['', 'value'], rows: items.map((x, i) => [String(i), cellText(x)]), more: total > items.length };
}

/**
 * The node as plain JSON for the clipboard: containers as arrays, dicts as
 * objects,
 * namedtuples and objects with fields as objects, tables as column
 * objects, other values as their JSON scalar or their text.
 */
export function toPlain(v: ValueNode): unknown {
  switch (v.kind) {
    case 'none':
      return null;
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'bytes':
      return v.value ?? null;
    case 'dict': {
      // JSON keys are text: a key that is not text or a number is written
      // as its Python repr ("(1, 2)").
      const out: Record<string, unknown> = {};
      for (const e of v.entries ?? []) out[jsonKey(e.key)] = toPlain(e.value);
      return out;
    }
    case 'dataframe':
    case 'series': {
      const out: Record<string, unknown> = {};
      for (const c of v.columns ?? []) out[c.name] = c.values.map(toPlain);
      return out;
    }
    case 'error':
      return { error: v.error ?? 'unreadable' };
  }
  if (v.fields !== undefined && v.fields.length > 0) {
    const out: Record<string, unknown> = {};
    for (const f of v.fields) out[f.name] = toPlain(f.value);
    return out;
  }
  if (v.items !== undefined) return v.items.map(toPlain);
  if (v.value !== undefined) return v.value;
  return cellText(v);
}

function jsonKey(k: ValueNode): string {
  if (k.kind === 'none') return 'None';
  if ((k.kind === 'str' || k.kind === 'int' || k.kind === 'float' || k.kind === 'bool') && k.value !== undefined) return String(k.value);
  return cellText(k);
}

/** toPlain as indented JSON text. */
export function copyText(v: ValueNode): string {
  return JSON.stringify(toPlain(v), null, 2);
}
