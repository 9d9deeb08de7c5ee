import { describe, expect, it } from 'vitest';
import type { Result } from 'vega-embed';
import { dataUrls, offlineLoader, safeSpec, valuesOnlyChange } from './charts';

describe('vega safety', () => {
  it('finds data URLs anywhere in Vega-Lite and Vega specs', () => {
    expect(dataUrls({ data: { url: 'http://127.0.0.1:47291/vega-data.json' }, mark: 'point' })).toEqual(['http://127.0.0.1:47291/vega-data.json']);
    expect(dataUrls({ layer: [{ data: { url: 'a.csv' } }, { transform: [{ lookup: 'k', from: { data: { url: 'b.json' }, key: 'k' } }] }] })).toEqual(['a.csv', 'b.json']);
    expect(dataUrls({ data: [{ name: 't', url: 'c.json' }] })).toEqual(['c.json']);
    expect(dataUrls({ data: { values: [{ url: 1 }] }, encoding: { href: { field: 'link' } } })).toEqual([]);
  });

  it('drops usermeta (vega-embed would take options from it) and copies the spec', () => {
    const spec = { mark: 'bar', usermeta: { embedOptions: { actions: true, editorUrl: 'http://x' } }, data: { values: [1] } };
    const s = safeSpec(spec);
    expect(s.usermeta).toBeUndefined();
    expect(s.data).not.toBe(spec.data);
    expect(spec.usermeta).toBeDefined();
  });

  it('loads nothing and sanitizes only data: images', async () => {
    await expect(offlineLoader.load()).rejects.toThrow();
    await expect(offlineLoader.sanitize('javascript:window.__pwned=6', { context: 'href' })).rejects.toThrow();
    await expect(offlineLoader.sanitize('http://127.0.0.1:47291/vega-href', { context: 'href' })).rejects.toThrow();
    await expect(offlineLoader.sanitize('http://127.0.0.1:47291/i.png', { context: 'image' })).rejects.toThrow();
    await expect(offlineLoader.sanitize('data:image/png;base64,AAAA', { context: 'image' })).resolves.toEqual({ href: 'data:image/png;base64,AAAA' });
  });

  it('tells a chart that only grew its inline values from one that changed', () => {
    const result = { vgSpec: { data: [{ name: 'source_0', values: [] }, { name: 'data_0', source: 'source_0' }] } } as unknown as Result;
    const a = { mark: 'line', data: { values: [{ x: 1 }] } };
    expect(valuesOnlyChange(result, a, { mark: 'line', data: { values: [{ x: 1 }, { x: 2 }] } })).toBe('source_0');
    expect(valuesOnlyChange(result, a, { mark: 'bar', data: { values: [{ x: 1 }] } })).toBeNull();
    const parsed = { vgSpec: { data: [{ name: 'source_0', values: [], format: { type: 'json', parse: { x: 'date' } } }] } } as unknown as Result;
    expect(valuesOnlyChange(parsed, a, { mark: 'line', data: { values: [] } })).toBeNull();
  });
});
