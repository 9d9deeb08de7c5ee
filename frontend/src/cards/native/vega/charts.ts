// Everything the vegaChart component needs from Vega, kept safe and offline:
// - no network: the loader refuses every load and every href, and allows
//   only data: images; a spec that names a data URL is not embedded at all
//   (the view says so instead of fetching);
// - no eval: the app's CSP has no 'unsafe-eval', so Vega runs its
//   expressions with the AST interpreter (`ast: true`);
// - no options from the card: Metaflow's `options` and the spec's
//   `usermeta.embedOptions` (vega-embed merges those over ours) are dropped,
//   so a card cannot turn on actions, an editor URL or its own loader;
// - Vega never mutates the card tree: it gets deep copies.
// vega-embed is loaded on first use: a card without charts never pays for it.

import type { EmbedOptions, Result } from 'vega-embed';
import { isObject } from '../types';
import { jsonEqual } from '../update';

type VegaEmbedModule = typeof import('vega-embed');
let modPromise: Promise<VegaEmbedModule> | null = null;

export function loadVega(): Promise<VegaEmbedModule> {
  modPromise ??= import('vega-embed');
  return modPromise;
}

let warm: Promise<void> | null = null;

/**
 * Loads vega-embed and draws one tiny chart off-screen, once. The first
 * embed of a page costs most (compiling Vega-Lite and Vega's code paths for
 * the first time, ~0.5 s on a slow machine); done while idle, it does not
 * hold up the first chart of a live card or the updates of its neighbours.
 */
export function warmUp(): Promise<void> {
  warm ??= loadVega()
    .then(async ({ default: embed }) => {
      const el = document.createElement('div');
      const r = await embed(el, { data: { values: [{ x: 0, y: 0 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } } as never, {
        ...embedOptions({ dark: false, text: '#000', muted: '#000', grid: '#000', domain: '#000', font: 'sans-serif' }),
      });
      r.finalize();
    })
    .catch(() => {});
  return warm;
}

/** Every URL the spec would load data from (data.url anywhere, Vega or Vega-Lite). */
export function dataUrls(spec: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || found.length > 20) return;
    if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
    else if (isObject(v)) {
      if (typeof v.url === 'string') found.push(v.url);
      for (const [k, x] of Object.entries(v)) if (k !== 'url') walk(x, depth + 1);
    }
  };
  walk(spec, 0);
  return found;
}

/** A copy of the spec with nothing that steers vega-embed. */
export function safeSpec(spec: unknown): Record<string, unknown> {
  const copy = structuredClone(isObject(spec) ? spec : {}) as Record<string, unknown>;
  delete copy.usermeta;
  return copy;
}

const refuse = (what: string) => Promise.reject(new Error(`Flowdeck does not load ${what} from a card`));

/** A Vega loader that fetches nothing; sanitize allows data: images only. */
export const offlineLoader = {
  load: () => refuse('data'),
  sanitize: (uri: string, opt?: { context?: string }) =>
    opt?.context === 'image' && /^data:image\//i.test(uri) ? Promise.resolve({ href: uri }) : refuse(`"${uri}"`),
  http: () => refuse('data'),
  file: () => refuse('files'),
};

export interface ChartTheme {
  dark: boolean;
  text: string;
  muted: string;
  grid: string;
  domain: string;
  font: string;
}

/** Vega-Lite config that follows the app's theme (card specs may override it). */
export function themeConfig(t: ChartTheme): Record<string, unknown> {
  const label = { labelColor: t.muted, titleColor: t.text, labelFont: t.font, titleFont: t.font };
  return {
    background: null,
    font: t.font,
    view: { stroke: t.grid },
    axis: { ...label, gridColor: t.grid, domainColor: t.domain, tickColor: t.domain },
    legend: label,
    header: label,
    title: { color: t.text, subtitleColor: t.muted, font: t.font },
    text: { color: t.text },
    mark: { color: t.dark ? '#6aa6ff' : '#3b73c8' },
    range: t.dark
      ? { category: ['#6aa6ff', '#f5a35c', '#6fd08c', '#ff7b72', '#c297ff', '#e3c35a', '#4fd1c5', '#f78fb3', '#a3adb8', '#9ccc65'] }
      : undefined,
    style: { 'guide-label': { fill: t.muted }, 'guide-title': { fill: t.text }, cell: { stroke: t.grid } },
  };
}

export function embedOptions(t: ChartTheme): EmbedOptions {
  return {
    actions: false,
    ast: true,
    renderer: 'svg',
    loader: offlineLoader as unknown as EmbedOptions['loader'],
    config: themeConfig(t) as EmbedOptions['config'],
    tooltip: { theme: t.dark ? 'dark' : 'light' },
    defaultStyle: false,
    // Vega's own warnings go to the console; a card's spec is not our error.
    logLevel: 0,
  };
}

export async function embedChart(el: HTMLElement, spec: unknown, t: ChartTheme): Promise<Result> {
  const { default: embed } = await loadVega();
  return embed(el, safeSpec(spec) as never, embedOptions(t));
}

/** The inline `data.values` of a top-level Vega-Lite spec, or undefined. */
function inlineValues(spec: unknown): unknown[] | undefined {
  if (!isObject(spec) || !isObject(spec.data)) return undefined;
  return Array.isArray(spec.data.values) ? spec.data.values : undefined;
}

function withoutValues(spec: Record<string, unknown>): Record<string, unknown> {
  return { ...spec, data: { ...(spec.data as Record<string, unknown>), values: null } };
}

/**
 * The compiled dataset that holds a top-level spec's inline values when the
 * two specs differ only in those values (a live chart that grows), else null:
 * then the view can take the new rows as a data change instead of being
 * rebuilt. Only a plain source qualifies (no parse step that a changeset
 * would skip).
 */
export function valuesOnlyChange(result: Result, prev: unknown, next: unknown): string | null {
  const a = inlineValues(prev);
  const b = inlineValues(next);
  if (!a || !b || !isObject(prev) || !isObject(next)) return null;
  if (!jsonEqual(withoutValues(prev), withoutValues(next))) return null;
  const data = (result.vgSpec as { data?: unknown }).data;
  if (!Array.isArray(data)) return null;
  const sources = data.filter((d) => isObject(d) && Array.isArray(d.values) && !('source' in d) && !('url' in d));
  if (sources.length !== 1) return null;
  const src = sources[0] as Record<string, unknown>;
  const fmt = src.format;
  if (isObject(fmt) && Object.keys(fmt).some((k) => k !== 'type')) return null;
  return typeof src.name === 'string' ? src.name : null;
}

/**
 * Replaces every row of each named dataset (entries that are not arrays are
 * skipped); resolves when the view has redrawn.
 */
export async function replaceData(result: Result, sets: Record<string, unknown>): Promise<void> {
  const { vega } = await loadVega();
  for (const [name, values] of Object.entries(sets)) {
    if (!Array.isArray(values)) continue;
    result.view.change(name, vega.changeset().remove(() => true).insert(structuredClone(values) as object[]));
  }
  await result.view.runAsync();
}
