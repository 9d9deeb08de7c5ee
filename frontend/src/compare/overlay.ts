// The one rule for drawing the same VegaChart of several runs as one chart
// (the compare page, and the offline export): the runs' inline rows are
// concatenated with a `run` field and coloured by run, with a legend that
// toggles runs. It works on the live card trees the page holds, so it lives
// here beside the Vega code rather than in Go (see compare/doc.go).
//
// Specs merge only when every one is a single-view Vega-Lite chart with
// inline data, the same mark, the same encoded fields and the same data
// fields, and no colour encoding of its own; otherwise the charts stay side
// by side and `reason` says why.

import { dataUrls } from '../cards/native/vega/charts';
import { isObject } from '../cards/native/types';

/**
 * One colour per compared run (Vega's tableau10, which reads on the light
 * and the dark theme): the table's run chips and the overlaid charts use
 * the same.
 */
export const RUN_COLORS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da7'];

/** The field the merged rows carry their run id in. */
export const RUN_FIELD = 'run';

export interface RunSpec {
  run: string;
  /** The chart's spec in this run, or undefined when the run lacks it. */
  spec: unknown;
}

export type Overlay = { spec: Record<string, unknown>; runs: string[]; reason: null } | { spec: null; runs: string[]; reason: string };

const MULTI_VIEW = ['layer', 'concat', 'hconcat', 'vconcat', 'facet', 'repeat', 'spec'];

function markType(spec: Record<string, unknown>): string | null {
  const m = spec.mark;
  if (typeof m === 'string') return m;
  if (isObject(m) && typeof m.type === 'string') return m.type;
  return null;
}

function encodedFields(spec: Record<string, unknown>): string {
  const enc = isObject(spec.encoding) ? spec.encoding : {};
  return Object.keys(enc)
    .sort()
    .map((ch) => {
      const e = enc[ch];
      return `${ch}:${isObject(e) && typeof e.field === 'string' ? e.field : ''}`;
    })
    .join(',');
}

function rowFields(values: unknown[]): string {
  const keys = new Set<string>();
  for (const v of values.slice(0, 50)) if (isObject(v)) for (const k of Object.keys(v)) keys.add(k);
  return [...keys].sort().join(',');
}

/** Why one spec cannot take part in an overlay, or null. */
function unfit(spec: unknown): string | null {
  if (!isObject(spec)) return 'a chart has no spec';
  if (typeof spec.$schema === 'string' && !spec.$schema.includes('vega-lite')) return 'a chart is a Vega spec, not Vega-Lite';
  if (MULTI_VIEW.some((k) => k in spec)) return 'a chart has several views (layers, concatenation or facets)';
  if (dataUrls(spec).length > 0) return 'a chart loads its data from a URL';
  if (!isObject(spec.data) || !Array.isArray(spec.data.values)) return 'a chart has no inline data';
  if (markType(spec) === null) return 'a chart has no mark';
  const enc = isObject(spec.encoding) ? spec.encoding : {};
  if ('color' in enc) return 'a chart is already coloured by a field of its own';
  if (spec.data.values.some((v) => isObject(v) && RUN_FIELD in v)) return `a chart's data already has a "${RUN_FIELD}" field`;
  return null;
}

/**
 * Merges the charts of several runs into one spec, or says why not. Runs
 * that lack the chart are left out; fewer than two charts is no overlay.
 */
export function overlay(specs: RunSpec[]): Overlay {
  const colorOf = new Map(specs.map((s, i) => [s.run, RUN_COLORS[i % RUN_COLORS.length]]));
  const present = specs.filter((s) => s.spec !== undefined && s.spec !== null);
  const runs = present.map((s) => s.run);
  if (present.length < 2) return { spec: null, runs, reason: 'only one run has this chart' };
  for (const s of present) {
    const why = unfit(s.spec);
    if (why) return { spec: null, runs, reason: `${why} (run ${s.run})` };
  }
  const first = present[0].spec as Record<string, unknown>;
  const firstValues = (first.data as { values: unknown[] }).values;
  for (const s of present.slice(1)) {
    const sp = s.spec as Record<string, unknown>;
    if (markType(sp) !== markType(first)) return { spec: null, runs, reason: `the runs draw different marks (${markType(first)}, ${markType(sp)})` };
    if (encodedFields(sp) !== encodedFields(first)) return { spec: null, runs, reason: 'the runs encode different fields' };
    const values = (sp.data as { values: unknown[] }).values;
    if (values.length > 0 && firstValues.length > 0 && rowFields(values) !== rowFields(firstValues)) {
      return { spec: null, runs, reason: 'the runs’ data have different fields' };
    }
  }
  const rows: Record<string, unknown>[] = [];
  for (const s of present) {
    for (const v of (s.spec as { data: { values: unknown[] } }).data.values) {
      if (isObject(v)) rows.push({ ...v, [RUN_FIELD]: s.run });
    }
  }
  const enc = isObject(first.encoding) ? first.encoding : {};
  const sel = 'flowdeck_runs';
  const spec: Record<string, unknown> = {
    ...first,
    data: { values: rows },
    params: [...(Array.isArray(first.params) ? first.params : []), { name: sel, select: { type: 'point', fields: [RUN_FIELD] }, bind: 'legend' }],
    encoding: {
      ...enc,
      color: { field: RUN_FIELD, type: 'nominal', scale: { domain: runs, range: runs.map((r) => colorOf.get(r)) }, legend: { title: 'run', orient: 'bottom' } },
      // Clicking a run in the legend keeps it and fades the others.
      opacity: { condition: { param: sel, value: 1 }, value: 0.12 },
    },
  };
  return { spec, runs, reason: null };
}
