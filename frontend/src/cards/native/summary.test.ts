import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LiveTree } from './live';
import { lastLine, progressOf, reduceChart, summarize, MAX_POINTS } from './summary';
import { decodeCardHtml, fixturePath, readJson } from './testfixtures';
import type { DataPayload } from './types';

const liveTask = ['live', '.metaflow', 'mf.cards', 'LiveCardFlow', 'runs', '1795642679591111', 'steps', 'train', 'tasks', '2'];
const BLANK = 'blank-live-c79b8e3a1d2744138aa4ac35afe06da8';

describe('summarize', () => {
  it('reads the live fixture card as the native view shows it: HTML tree plus its data JSON', () => {
    const { token, card } = decodeCardHtml(fs.readFileSync(fixturePath(...liveTask, 'cards', `${BLANK}.html`), 'utf8'));
    const data = readJson(fixturePath(...liveTask, 'runtime', `${BLANK}.data.json`)) as DataPayload;
    const tree = new LiveTree().update({ token, card }, data).tree;
    const s = summarize(tree);
    // Values read off the data JSON by hand.
    expect(s.bars).toEqual([{ label: 'Epochs', value: 40, max: 40 }]);
    expect(s.values).toEqual([{ label: 'Loss', value: '0.0684', num: 0.0684 }]);
    expect(s.line).toBe('Halfway: component added mid-run');
    expect(s.chart?.mark).toBe('line');
    expect(s.chart?.points.length).toBe(40);
    expect(s.chart?.points[1]).toEqual([1, 0.9469]);
    expect(s.chartUnreadable).toBe(false);
    expect(progressOf(s)).toBe(1);
  });

  it('follows a runtime update applied by update.ts (the one owner of the merge rules)', () => {
    const card = {
      components: [
        { type: 'section', contents: [{ type: 'progressBar', id: 'p', max: 10, value: 1, label: 'batches' }] },
        { type: 'valueBox', id: 'v', title: 'Score', value: 0.1 },
        { type: 'markdown', id: 'm', source: '# shard 3\nbatch 1 of 10' },
      ],
    };
    const lt = new LiveTree();
    lt.update({ token: 't1', card }, null);
    const d = { reload_token: 't1', data: { p: { type: 'progressBar', id: 'p', value: 7 }, v: { id: 'v', value: 0.75 }, m: { id: 'm', source: 'batch 7 of 10' } } };
    const s = summarize(lt.update({ token: 't1', card }, d).tree);
    expect(s.bars).toEqual([{ label: 'batches', value: 7, max: 10 }]);
    expect(s.values[0]).toEqual({ label: 'Score', value: '0.75', num: 0.75 });
    expect(s.line).toBe('batch 7 of 10');
    // Data of another token waits for its HTML, as in the card view.
    const later = { reload_token: 't2', data: { p: { id: 'p', value: 9 } } };
    expect(summarize(lt.update({ token: 't1', card }, later).tree).bars[0].value).toBe(7);
  });

  it('reads the foreach fixture card: markdown only', () => {
    const task = ['foreach', '.metaflow', 'mf.cards', 'ForeachFlow', 'runs', '1795642634789065', 'steps', 'process', 'tasks', '3'];
    const dir = fixturePath(...task, 'cards');
    const { token, card } = decodeCardHtml(fs.readFileSync(`${dir}/${fs.readdirSync(dir)[0]}`, 'utf8'));
    const s = summarize(new LiveTree().update({ token, card }, null).tree);
    expect(s).toEqual({ bars: [], values: [], line: 'index 1', chart: null, chartUnreadable: false });
  });

  it('is defensive about hostile or odd cards', () => {
    const s = summarize({
      components: [
        null,
        'x',
        { type: 'progressBar', value: 'NaN', max: -1 },
        { type: 'valueBox', title: 3, value: { a: 1 } },
        { type: 'table', data: [[{ type: 'progressBar', value: 1 }]] },
        { type: 'vegaChart', spec: { data: { url: 'http://127.0.0.1:47291/x.json' }, mark: 'line', encoding: { y: { field: 'y' } } } },
        { type: 'vegaChart', spec: { data: { values: [{ y: 1 }] }, mark: 'bar', encoding: { y: { field: 'y' } } } },
      ],
    });
    expect(s.bars).toEqual([{ label: '', value: 0, max: null }]);
    expect(s.values).toEqual([{ label: '', value: '{"a":1}', num: null }]);
    // Only the first chart counts; a data URL is never fetched, only flagged.
    expect(s.chart).toBeNull();
    expect(s.chartUnreadable).toBe(true);
    expect(summarize(null).bars).toEqual([]);
    expect(summarize({ components: 'nope' }).line).toBeNull();
  });
});

describe('reduceChart', () => {
  it('uses the index for a missing x, skips non-numeric y and thins long series keeping the last point', () => {
    const values = Array.from({ length: 500 }, (_, i) => ({ y: i % 7 === 0 ? 'bad' : i }));
    const c = reduceChart({ spec: { mark: { type: 'area' }, data: { values }, encoding: { y: { field: 'y' } } } });
    expect(c?.mark).toBe('area');
    expect(c?.points.length).toBe(MAX_POINTS);
    expect(c?.points[c.points.length - 1]).toEqual([499, 499]);
    expect(c?.points.some(([, y]) => y % 7 === 0 && y !== 0)).toBe(false);
  });
  it('reads a first layer and data beside the spec', () => {
    const c = reduceChart({ spec: { layer: [{ mark: 'point', encoding: { x: { field: 'a' }, y: { field: 'b' } } }] }, data: [{ a: 2, b: 3 }] });
    expect(c).toEqual({ mark: 'point', points: [[2, 3]] });
  });
});

describe('lastLine', () => {
  it('strips heading, emphasis, code and links, and skips trailing blank lines', () => {
    expect(lastLine('# Title\nepoch **3** of `10` [docs](http://x)\n\n  ')).toBe('epoch 3 of 10 docs');
    expect(lastLine('## only heading')).toBe('only heading');
    expect(lastLine('\n \n')).toBeNull();
  });
});
