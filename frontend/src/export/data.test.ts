// The offline export draws what the page shows: each card's data applied
// when it fits its HTML, and the ValueBox rows built by the page's code.
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../lib/schema';
import { readExport, shown, type ExportData } from './data';

const card = (v: number) => ({ components: [{ type: 'valueBox', id: 'loss_box', title: 'Loss', value: v }] });
const file = (): ExportData => ({
  result: {
    flow: 'F',
    runs: [{ id: '1' }, { id: '2' }, { id: '3' }] as CompareResult['runs'],
    steps: [],
    all_steps: [],
    rows: [{ group: 'parameter', name: 'lr', values: ['1', '2', '3'], differs: true }],
    cards: [{ step: 'train', type: 'blank', id: 'live', foreach_index: -1, label: 'train · blank#live', keys: ['a', 'b', 'c'] }],
    export_name: 'F-compare-1_2_3',
  },
  trees: {
    a: { tree: card(1), token: 'runtime-1', data: { reload_token: 'runtime-1', data: { l: { id: 'loss_box', value: 0.5 } } } },
    b: { tree: card(1), token: 'runtime-2', data: { reload_token: 'runtime-3', data: { l: { id: 'loss_box', value: 0.5 } } } },
    c: null,
  },
  exported_at: '2026-01-01T00:00:00Z',
});

describe('shown', () => {
  it('applies fitting data and adds the ValueBox rows after the server rows', () => {
    const s = shown(file());
    expect(s.result.rows.map((r) => r.name)).toEqual(['lr', 'Loss']);
    expect(s.result.rows[1]).toEqual({ group: 'valuebox', name: 'Loss', detail: 'train · blank#live', values: ['0.5', '1', null], differs: true });
    expect([...s.trees.keys()]).toEqual(['a', 'b']);
    expect(s.trees.get('b')).toEqual(card(1));
  });

  it('reads the embedded JSON, and refuses a damaged one', () => {
    const doc = document.implementation.createHTMLDocument();
    doc.body.innerHTML = `<script type="application/json" id="flowdeck-compare">${JSON.stringify(file())}</script>`;
    expect(readExport(doc)?.result.flow).toBe('F');
    doc.body.innerHTML = '<script type="application/json" id="flowdeck-compare">{"result":</script>';
    expect(readExport(doc)).toBeNull();
  });
});
