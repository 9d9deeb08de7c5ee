// Defensive readers for untrusted card fields: a card may hold any JSON, so
// components never assume a field has the type Metaflow would write.

import { isObject } from './types';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A scalar as Metaflow's UI would print it; objects become JSON. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function obj(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

/** Pretty JSON for placeholders and the unknown component; never throws. */
export function pretty(v: unknown, max = 20000): string {
  let s: string;
  try {
    s = JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s;
}
