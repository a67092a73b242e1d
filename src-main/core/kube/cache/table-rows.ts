// Server-side printing for the watch cache: lists and watches asked for as meta.k8s.io/v1 Tables
// (with includeObject=Object) carry each object together with the cells the server printed for
// it, as kubectl shows custom resources (the CRD's additionalPrinterColumns, which only the
// server evaluates). The cells ride on the object under a symbol: invisible to JSON (YAML views,
// detail pages) and kept as long as the cache keeps that object.
import { isKubeObject, isRecord, type KubeObject } from './types';

export const TABLE_ACCEPT = 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json';

export interface TableCells {
  /** Column names in the order of `cells` (shared by every row of one response). */
  readonly columns: readonly string[];
  readonly cells: readonly unknown[];
}

const CELLS = Symbol('orrery.tableCells');

/** The cells the server printed for this object, when it came from a Table. */
export function tableCellsOf(obj: KubeObject): TableCells | undefined {
  return (obj as { [CELLS]?: TableCells })[CELLS];
}

/** The cell of one column by name (null when the object has no cells or no such column). */
export function tableCell(obj: KubeObject, column: string): unknown {
  const t = tableCellsOf(obj);
  if (!t) return null;
  const i = t.columns.indexOf(column);
  return i < 0 ? null : (t.cells[i] ?? null);
}

export function isTable(v: unknown): v is Record<string, unknown> & { kind: 'Table' } {
  return isRecord(v) && v.kind === 'Table' && v.apiVersion === 'meta.k8s.io/v1';
}

/**
 * Turns Tables into objects with cells. Remembers the last column definitions, since a server
 * may send them only once on a watch.
 */
export class TableDecoder {
  private columns: readonly string[] = [];

  /** The objects of a Table's rows, each carrying its cells; rows without an object are skipped. */
  rows(table: Record<string, unknown>): KubeObject[] {
    const defs = table.columnDefinitions;
    if (Array.isArray(defs) && defs.length > 0) this.columns = defs.map((d) => (isRecord(d) && typeof d.name === 'string' ? d.name : ''));
    const out: KubeObject[] = [];
    for (const row of Array.isArray(table.rows) ? table.rows : []) {
      if (!isRecord(row) || !isKubeObject(row.object) || !Array.isArray(row.cells)) continue;
      Object.defineProperty(row.object, CELLS, { value: { columns: this.columns, cells: row.cells } satisfies TableCells, enumerable: false });
      out.push(row.object);
    }
    return out;
  }
}
