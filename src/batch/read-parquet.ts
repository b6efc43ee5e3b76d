// Streams patients out of a Parquet file, read by DuckDB (loaded only for .parquet input). The
// columns are the CSV header's data-dictionary paths, one flat column each; every cell is read as
// text (a number, a date or a boolean column as DuckDB writes it: 0.75, 2026-01-31, true) and goes
// through the same header check and row validation as a CSV row, so a bad cell gets the same
// located message. Rows arrive chunk by chunk (about 2,000 at a time): memory stays flat.
import { DuckDBInstance } from '@duckdb/node-api';
import type { Dictionary } from '../criteria/dictionary.js';
import { PatientDataError } from '../errors.js';
import { parseCsvRow } from '../patient/csv-row.js';
import type { ParseOptions } from '../patient/parse.js';
import { resolveHeader, type HeaderInfo, type InputItem } from './read-rows.js';

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`;

export async function* readParquetRows(path: string, dict: Dictionary, name: string, onHeader: (info: HeaderInfo) => void, parseOptions: ParseOptions = {}): AsyncGenerator<InputItem> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const scan = `read_parquet(${sqlText(path)})`;
    let names: string[];
    try {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`);
      names = described.getRowObjectsJS().map((r) => String(r.column_name));
    } catch (e) {
      // DuckDB's first line says what is wrong ("No magic bytes found at end of file ...").
      const reason = (e as Error).message.split('\n')[0]?.replace(/^[A-Za-z ]*Error: /, '') ?? 'unreadable';
      throw new PatientDataError([{ location: name, message: `cannot be read as a Parquet file: ${reason.slice(0, 200)}` }], { cause: e });
    }
    const info = resolveHeader(names, dict, name);
    onHeader(info);
    const idIndex = names.indexOf('id');
    const result = await connection.stream(`SELECT ${names.map((n) => `CAST(${ident(n)} AS VARCHAR)`).join(', ')} FROM ${scan}`);
    let row = 0;
    for await (const chunk of result.yieldRows()) {
      for (const values of chunk) {
        row += 1;
        // NULL is an empty cell: unknown, as in CSV.
        const cells = values.map((v) => (v === null ? '' : String(v)));
        const parsed = parseCsvRow(info.header, cells, dict, parseOptions);
        yield parsed.ok ? { row, ok: true, parsed: parsed.parsed } : { row, ok: false, patientId: idIndex >= 0 ? cells[idIndex]?.trim() || null : null, problems: parsed.problems };
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
