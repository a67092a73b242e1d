import { describe, expect, it } from 'vitest';
import { TableDecoder, tableCell, tableCellsOf } from './table-rows';

const table = (rows: Array<{ name: string; cells: unknown[] }>, withColumns = true) => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '7' },
  columnDefinitions: withColumns ? [{ name: 'Name' }, { name: 'Ready' }] : null,
  rows: rows.map((r) => ({ cells: r.cells, object: { kind: 'Widget', metadata: { name: r.name, resourceVersion: '7' } } })),
});

describe('TableDecoder', () => {
  it('hands out the row objects with their cells, invisible to JSON', () => {
    const [w] = new TableDecoder().rows(table([{ name: 'w', cells: ['w', 'True'] }]));
    expect(tableCell(w!, 'Ready')).toBe('True');
    expect(tableCell(w!, 'Missing')).toBeNull();
    expect(JSON.parse(JSON.stringify(w))).toEqual({ kind: 'Widget', metadata: { name: 'w', resourceVersion: '7' } });
  });

  it('keeps the column definitions for later Tables that omit them (watch events), and skips empty ones (bookmarks)', () => {
    const d = new TableDecoder();
    d.rows(table([]));
    const [later] = d.rows(table([{ name: 'w', cells: ['w', 'False'] }], false));
    expect(tableCellsOf(later!)).toEqual({ columns: ['Name', 'Ready'], cells: ['w', 'False'] });
    expect(d.rows({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '9' }, columnDefinitions: null, rows: null })).toEqual([]);
  });
});
