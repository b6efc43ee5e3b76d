// The normalised (long) table layout the SQL screening query reads, derived from the data
// dictionary: one `patients` row per patient with its scalar fields, one child table per record
// list (one row per record), one for dose histories and one for recorded review decisions.
// Values are in the dictionary's canonical units, as the JS patient layer stores them.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { ReferenceDates } from '../engine/result.js';
import { getPath, listIncomplete } from '../engine/patient-record.js';
import type { Dialect } from './dialect.js';

export type ColumnType = 'int' | 'double' | 'text' | 'date' | 'bool';
export type Column = { name: string; type: ColumnType };
export type Table = { name: string; columns: Column[] };

/** Key columns: the input row number links every child row to its patient. */
export const ROW = 'row_no';
export const REF_COLUMNS = { screening: 'ref_screening', consent: 'ref_consent', randomization: 'ref_randomization' } as const;
export const DOSES_SUFFIX = '_doses';
export const REVIEWS = 'reviews';

function scalarType(def: FieldDef | ItemFieldDef): ColumnType | undefined {
  switch (def.type) {
    case 'number':
    case 'integer':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'string':
    case 'enum':
    case 'enumList':
      return 'text';
    case 'date':
      return 'date';
    default:
      return undefined;
  }
}

/** Columns a patient-level field occupies: labs and scales take one column per part. */
export function fieldColumns(path: string, def: FieldDef): Column[] {
  if (def.type === 'lab') return [{ name: `${path}.value`, type: 'double' }, { name: `${path}.uln`, type: 'double' }, { name: `${path}.date`, type: 'date' }];
  if (def.type === 'scale') return [{ name: `${path}.score`, type: 'double' }, { name: `${path}.max`, type: 'double' }];
  // A record list is a child table; this flag says the list was recorded (an empty list is "none"):
  // TRUE complete, FALSE with records that may be missing, NULL not recorded.
  if (def.type === 'records') return [{ name: path, type: 'bool' }];
  const t = scalarType(def);
  return t ? [{ name: path, type: t }] : [];
}

export function layoutTables(dict: Dictionary): Table[] {
  const patientCols: Column[] = [
    { name: ROW, type: 'int' },
    { name: 'patient_id', type: 'text' },
    ...Object.values(REF_COLUMNS).map((name) => ({ name, type: 'date' as const })),
  ];
  const children: Table[] = [];
  for (const [path, def] of dict.fields) {
    patientCols.push(...fieldColumns(path, def));
    if (def.type !== 'records') continue;
    const cols: Column[] = [{ name: ROW, type: 'int' }, { name: 'idx', type: 'int' }];
    let doses = false;
    for (const [name, item] of Object.entries(def.item)) {
      if (item.type === 'doseHistory') doses = true;
      const t = scalarType(item);
      if (t) cols.push({ name, type: t });
    }
    children.push({ name: path, columns: cols });
    if (doses) {
      children.push({
        name: `${path}${DOSES_SUFFIX}`,
        columns: [{ name: ROW, type: 'int' }, { name: 'idx', type: 'int' }, { name: 'pos', type: 'int' }, { name: 'date', type: 'date' }, { name: 'dose', type: 'double' }, { name: 'unit', type: 'text' }],
      });
    }
  }
  return [
    { name: 'patients', columns: patientCols },
    ...children,
    { name: REVIEWS, columns: [{ name: ROW, type: 'int' }, { name: 'trial', type: 'text' }, { name: 'review_id', type: 'text' }, { name: 'decision', type: 'text' }] },
  ];
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function createTablesSql(dict: Dictionary, dialect: Dialect): string {
  return layoutTables(dict)
    .map((t) => createTableSql(t, dialect))
    .join('\n');
}

/**
 * One table of the layout: `CREATE TABLE` (`CREATE TEMP TABLE` with `temp`, `CREATE OR REPLACE`
 * with `replace`), named `name` (its own name, quoted, unless given).
 */
export function createTableSql(t: Table, dialect: Dialect, options: { temp?: boolean; replace?: boolean; name?: string } = {}): string {
  return `CREATE ${options.replace ? 'OR REPLACE ' : ''}${options.temp ? 'TEMP ' : ''}TABLE ${options.name ?? quoteIdent(t.name)} (\n  ${t.columns.map((c) => `${quoteIdent(c.name)} ${dialect.types[c.type]}`).join(',\n  ')}\n);`;
}

type Cell = string | number | boolean | null;
export type TableRows = Map<string, Cell[][]>;

/** Rows of every table for one patient, in the layout's column order. */
export function recordRows(dict: Dictionary, tables: Table[], record: PatientRecord, rowNo: number, dates: ReferenceDates, out: TableRows): void {
  const push = (table: string, row: Cell[]) => {
    let rows = out.get(table);
    if (!rows) out.set(table, (rows = []));
    rows.push(row);
  };
  const patient: Cell[] = [rowNo, typeof record.id === 'string' ? record.id : null, dates.screening ?? null, dates.consent ?? null, dates.randomization ?? null];
  for (const [path, def] of dict.fields) {
    const v = getPath(record, path);
    if (def.type === 'lab') {
      const lab = (v ?? {}) as { value?: number; uln?: number; date?: string };
      patient.push(num(lab.value), num(lab.uln), str(lab.date));
    } else if (def.type === 'scale') {
      const s = (v ?? {}) as { score?: number; max?: number };
      patient.push(num(s.score), num(s.max));
    } else if (def.type === 'records') {
      // (A list complete only since a date is FALSE here, which decides less than the JS engine:
      // screen batch screens those patients with it, duckdb-batch.ts.)
      patient.push(Array.isArray(v) ? !listIncomplete(record, path) : null);
      if (!Array.isArray(v)) continue;
      const table = tables.find((t) => t.name === path) as Table;
      v.forEach((raw, idx) => {
        const item = (raw ?? {}) as Record<string, unknown>;
        push(path, table.columns.slice(2).map((c) => cell(item[c.name])).reduce<Cell[]>((row, c) => (row.push(c), row), [rowNo, idx]));
        const doses = item.doses;
        if (Array.isArray(doses)) {
          doses.forEach((d: { date?: string; dose?: number; unit?: string }, pos) => push(`${path}${DOSES_SUFFIX}`, [rowNo, idx, pos, str(d.date), num(d.dose), str(d.unit)]));
        }
      });
    } else if (def.type === 'enumList') {
      patient.push(Array.isArray(v) ? `;${v.join(';')};` : null);
    } else if (scalarType(def)) {
      patient.push(cell(v));
    }
  }
  push('patients', patient);
  for (const [trial, decisions] of Object.entries(record.reviews ?? {})) {
    for (const [id, d] of Object.entries(decisions ?? {})) push(REVIEWS, [rowNo, trial, id, d.decision]);
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function cell(v: unknown): Cell {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** One table's rows as CSV text (empty cell = NULL), for COPY in DuckDB and PostgreSQL. */
export function rowsToCsv(rows: Cell[][]): string {
  let out = '';
  for (const row of rows) {
    out += `${row.map(csvCell).join(',')}\n`;
  }
  return out;
}

function csvCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c);
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  // Quoted, so an empty string stays distinct from NULL (unquoted empty).
  return `"${c.replaceAll('"', '""')}"`;
}
