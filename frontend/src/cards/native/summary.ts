// The summary of a card a foreach dashboard tile shows: its progress bars,
// value boxes, the last line of its last markdown and a reduced form of its
// first Vega-Lite chart. It reads the component tree the native view shows
// (live.ts: the HTML's tree with the newest runtime data applied by
// update.ts), so the tile and the card view agree by construction; there is
// no second copy of the update rules here. Cards are untrusted: every field
// is read defensively.

import { arr, num, obj, str, text } from './fields';
import { isObject, type CardTree } from './types';

export interface TileBar {
  label: string;
  value: number;
  /** null when the bar has no (positive) max. */
  max: number | null;
}

export interface TileValue {
  label: string;
  /** As the value box prints it. */
  value: string;
  /** The value as a number, for sorting; null when it is not one. */
  num: number | null;
}

/** A chart reduced to one series of points, for a small multiple. */
export interface TileChart {
  mark: 'line' | 'bar' | 'point' | 'area';
  /** [x, y] pairs in data order. */
  points: [number, number][];
}

export interface TileSummary {
  bars: TileBar[];
  values: TileValue[];
  /** The last non-empty line of the last markdown, markup stripped; null when none. */
  line: string | null;
  chart: TileChart | null;
  /** The card has a chart that cannot be reduced (no inline data, no numeric x/y). */
  chartUnreadable: boolean;
}

/** Points kept of a chart: a small multiple is a few dozen pixels wide. */
export const MAX_POINTS = 120;

export const EMPTY_SUMMARY: TileSummary = { bars: [], values: [], line: null, chart: null, chartUnreadable: false };

/** Walks the tree in document order (pages and sections; never table cells). */
export function summarize(tree: CardTree | null): TileSummary {
  if (!tree) return EMPTY_SUMMARY;
  const out: TileSummary = { bars: [], values: [], line: null, chart: null, chartUnreadable: false };
  let chartSeen = false;
  const walk = (comps: unknown[]) => {
    for (const c of comps) {
      if (!isObject(c)) continue;
      switch (c.type) {
        case 'page':
        case 'section':
          walk(arr(c.contents));
          break;
        case 'progressBar': {
          const max = num(c.max);
          out.bars.push({ label: str(c.label) ?? '', value: num(c.value) ?? 0, max: max !== undefined && max > 0 ? max : null });
          break;
        }
        case 'valueBox':
          out.values.push({
            label: str(c.title) ?? '',
            value: typeof c.value === 'number' ? c.value.toLocaleString('en-US', { maximumFractionDigits: 12 }) : text(c.value),
            num: num(c.value) ?? null,
          });
          break;
        case 'markdown': {
          const line = lastLine(str(c.source) ?? '');
          if (line !== null) out.line = line;
          break;
        }
        case 'vegaChart':
          if (!chartSeen) {
            chartSeen = true;
            out.chart = reduceChart(c);
            out.chartUnreadable = out.chart === null;
          }
          break;
      }
    }
  };
  walk(arr(tree.components));
  return out;
}

/** The last non-empty line of a markdown source, without its markup. */
export function lastLine(source: string): string | null {
  const lines = source.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const s = lines[i]
      .replace(/^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)/, '')
      .replace(/(\*\*|__|`)/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim();
    if (s !== '') return s;
  }
  return null;
}

const MARKS = new Set(['line', 'bar', 'point', 'area']);

/**
 * A Vega-Lite spec with inline values and a numeric (or absent) x and a
 * numeric y field, reduced to its points; null for anything else (data
 * URLs, layers, Vega specs): the tile then only says there is a chart.
 */
export function reduceChart(comp: Record<string, unknown>): TileChart | null {
  const spec = obj(comp.spec);
  const layer0 = obj(arr(spec.layer)[0]);
  const enc = obj(spec.encoding ?? layer0.encoding);
  const yField = str(obj(enc.y).field);
  if (yField === undefined) return null;
  const xField = str(obj(enc.x).field);
  const values = arr(obj(spec.data).values ?? obj(layer0.data).values);
  const rows = values.length ? values : arr(comp.data);
  const markRaw = spec.mark ?? layer0.mark;
  const markName = typeof markRaw === 'string' ? markRaw : str(obj(markRaw).type);
  const mark = (markName !== undefined && MARKS.has(markName) ? markName : 'line') as TileChart['mark'];
  const points: [number, number][] = [];
  rows.forEach((r, i) => {
    if (!isObject(r)) return;
    const y = num(r[yField]);
    if (y === undefined) return;
    const x = xField === undefined ? i : num(r[xField]);
    if (x === undefined) return;
    points.push([x, y]);
  });
  if (points.length === 0) return null;
  return { mark, points: points.length > MAX_POINTS ? thin(points, MAX_POINTS) : points };
}

// Every k-th point, always keeping the last (the newest value).
function thin(points: [number, number][], n: number): [number, number][] {
  const step = points.length / n;
  const out: [number, number][] = [];
  for (let i = 0; i < n - 1; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

/** A tile's first bar as a fraction 0..1, or null (for sorting). */
export function progressOf(s: TileSummary | null, label?: string): number | null {
  const b = s?.bars.find((x) => label === undefined || x.label === label);
  if (!b) return null;
  return b.max ? b.value / b.max : b.value;
}
