// The compare CSV (was compare.WriteCSV, Go; TestWriteCSV's assertions
// are here): header, a line per row, formula defusing, Go encoding/csv
// quoting.
import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../lib/schema';
import { compareCsv, defuse } from './csv';

const runs = [{ id: '1795642625513910' }, { id: '1795642620378112' }];
const row = (group: CompareRow['group'], name: string, values: (string | null)[], detail?: string): CompareRow => ({
  group,
  name,
  values,
  differs: false,
  ...(detail === undefined ? {} : { detail }),
});

describe('compareCsv', () => {
  it('writes a header with a column per run, then every row; a missing value is empty; formulas are defused', () => {
    const out = compareCsv({
      runs: runs as never,
      rows: [
        row('run', 'status', ['succeeded', 'succeeded']),
        row('parameter', 'alpha', ['0.9', '0.5']),
        row('artifact', 'total', ['3', '3'], 'end'),
        row('valuebox', 'Loss', ['0.1643', null], 'train · blank#live'),
        row('valuebox', 'hostile', ['=HYPERLINK("x")', null]),
      ],
    });
    const lines = out.split('\n');
    expect(lines[0]).toBe('group,name,source,1795642625513910,1795642620378112');
    expect(out).toContain('\nparameter,alpha,,0.9,0.5\n');
    expect(out).toContain('\nartifact,total,end,3,3\n');
    expect(out).toContain('\nvaluebox,Loss,train · blank#live,0.1643,\n');
    expect(out).toContain('\nvaluebox,hostile,,"\'=HYPERLINK(""x"")",\n');
    expect(out.endsWith('\n')).toBe(true);
    expect(lines).toHaveLength(7);
  });

  it('quotes like Go encoding/csv', () => {
    const out = compareCsv({ runs: [{ id: 'a' }] as never, rows: [
      row('artifact', 'a,b', ['line\nbreak']),
      row('artifact', ' lead', ['\\.']),
      row('artifact', 'plain', ['\u00a0nbsp']),
      row('artifact', 'q"uote', ['']),
    ] });
    expect(out.split('\n').slice(1).join('\n')).toBe('artifact,"a,b",,"line\nbreak"\nartifact," lead",,"\\."\nartifact,plain,,"\u00a0nbsp"\nartifact,"q""uote",,\n');
  });

  it('defuses a leading = + @ tab or carriage return, not a minus', () => {
    expect(['=1', '+1', '@x', '\tx', '\rx', '-1', '', 'a=b'].map(defuse)).toEqual(["'=1", "'+1", "'@x", "'\tx", "'\rx", '-1', '', 'a=b']);
  });
});
