// `screen batch --engine duckdb` over a CSV file DuckDB reads itself: each line is read as one
// VARCHAR (no quoting), the non-empty lines numbered in file order, split at the delimiter,
// checked in SQL (native-accept.ts), laid out in SQL and screened by each trial's query, a range of
// rows at a time. Rows SQL does not take come back as their cells for the JS validator and engine,
// so their messages, warnings and results are those of --engine js.
//
// Only a file whose every line JS would split at the delimiter as it stands is read this way: a
// quote or a carriage return anywhere, a NUL byte, an over-long line, text that is not UTF-8 or
// any read error makes `openNativeCsv` return undefined, and the caller reads the file as today.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { PreparedResult } from '../batch/batch-row.js';
import type { ReferenceDates } from '../engine/result.js';
import { MAX_LINE_CHARS } from '../batch/checked-text.js';
import { PatientDataError } from '../errors.js';
import { DUCKDB } from './dialect.js';
import { ACCEPT_MACROS, cellColumn, nativePlan } from './native-accept.js';
import { createTablesSql, layoutTables, quoteIdent as q } from './layout.js';
import { lit } from './kit.js';
import { compileTrial } from './query.js';
import { resultReader } from './native-results.js';

/**
 * Rows checked, laid out and screened per range: each trial's query runs once per range, and
 * planning it (a few seconds) costs more than running it, so ranges are large; 250,000 rows ran
 * out of DuckDB's 1 GB at 1,000,000 rows (the split lines and their cells are held together).
 */
export const RANGE_ROWS = 100_000;
/** Rows handed to JS at a time: bounds what JS holds. */
const SLICE_ROWS = 25_000;
/** Rows per batch the generator yields. */
const BATCH_ROWS = 1024;

/** A row screened in SQL (one summary per trial), or a row for the JS path (its cells). */
export type NativeRow = { row: number; patientId: string | null; results: PreparedResult[] } | { row: number; cells: string[] };

export type NativeCsv = {
  /** The first non-empty line (the header), as JS reads it. */
  headerCells: string[];
  /** Every data row in input order, a batch at a time; `header` is the header as resolved by read-rows.ts. */
  rows(header: { names: string[]; targets: Parameters<typeof nativePlan>[0]['targets'] }, flags: ReferenceDates, trialIds: readonly string[], name?: string): AsyncGenerator<NativeRow[]>;
  close(): void;
};

export async function openNativeCsv(path: string, delimiter: string, dict: Dictionary, trials: Trial[], options: { threads?: number; memoryLimit?: string; wide?: boolean } = {}): Promise<NativeCsv | undefined> {
  const scanned = await plainText(path);
  if (!scanned) return undefined;
  // Nothing is read yet: if the temporary database cannot be set up, the JS reader reads the file.
  let temp: string | undefined;
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  let closed = false;
  /** The statements DuckDB is running while JS writes rows (screenRows), if any. */
  let inflight: Promise<unknown> | undefined;
  // Ctrl-C or a kill while DuckDB works: the temporary database (a copy of the input's patient
  // data) is removed, then the process ends by the signal as it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    close();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // An exit mid-way (bin/screen.js exits at once when standard output is a closed pipe) removes it too.
  process.once('exit', close);
  try {
    temp = mkdtempSync(join(tmpdir(), 'trial-screen-native-'));
    // A database file of its own: the table is stored compressed and paged out under memory_limit.
    instance = await DuckDBInstance.create(join(temp, 'rows.duckdb'), { threads: String(options.threads ?? 2), memory_limit: options.memoryLimit ?? '1GB', temp_directory: join(temp, 'spill'), preserve_insertion_order: 'true' });
    conn = await instance.connect();
  } catch {
    close();
    return undefined;
  }
  const db: DuckDBConnection = conn;
  const busy = <T>(work: Promise<T>): Promise<T> => {
    inflight = work;
    // Awaited where it is used (its error is thrown there); settled, nothing is in flight.
    const done = () => {
      if (inflight === work) inflight = undefined;
    };
    work.then(done, done);
    return work;
  };
  function close() {
    if (closed) return;
    closed = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', close);
    const end = () => {
      conn?.closeSync();
      instance?.closeSync();
    };
    // Statements still running (the output failed while the next range loaded): stopped, and the
    // database closed once they have ended. Its files can go now (they are open, not needed).
    if (inflight) {
      conn?.interrupt();
      inflight.then(end, end);
    } else end();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  try {
    // One VARCHAR per line: a delimiter the file does not have (\x01, see plainText), no quote or
    // escape character (the file has no quote). An empty line is NULL; DuckDB drops a leading
    // byte order mark and a CR before each LF, as JS does. Insertion order is kept, so rowid is
    // the line's place in the file. Invalid UTF-8, a mix of line endings or an over-long line is
    // an error — all of which leave the file to the JS path.
    await db.run(`CREATE TABLE lines AS SELECT line FROM read_csv(${lit(path)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '', auto_detect = false, strict_mode = true, max_line_size = ${MAX_LINE_CHARS})`);
    // Written out, so the lines can be paged out of memory and back.
    await db.run('CHECKPOINT');
  } catch {
    close();
    return undefined;
  }
  // Empty lines come only before the header or after the last row (plainText): row n is at rowid header + n.
  const check = await db.runAndReadAll(`SELECT count(line)::INTEGER AS n, min(CASE WHEN line IS NOT NULL THEN rowid END)::INTEGER AS h, max(CASE WHEN line IS NOT NULL THEN rowid END)::INTEGER AS last FROM lines`);
  const { n, h, last } = (await check.getRowObjectsJS())[0] as { n: number; h: number | null; last: number | null };
  const total = n - 1;
  const head = await db.runAndReadAll(`SELECT line FROM lines WHERE rowid = ${h ?? 0}`);
  const headerLine = ((await head.getRowObjectsJS())[0] as { line?: unknown } | undefined)?.line;
  // DuckDB's reading must be JS's: the same header, no gap (else: the JS path).
  if (h === null || last === null || total < 0 || last - h !== total || headerLine !== scanned.header) {
    close();
    return undefined;
  }
  const queries = trials.map((t) => compileTrial(t, dict, DUCKDB).sql);
  // `wide`: the results carry each criterion's outcome by id (--wide).
  const reader = resultReader(trials, options.wide === true);
  return {
    headerCells: scanned.header.split(delimiter),
    async *rows(header, flags, trialIds, name = 'input') {
      // DuckDB failing part-way (out of memory, the disk of its spill files full) is reported for the
      // rows it was screening, in one line; the rows before them are already written.
      let span = '';
      try {
        yield* screenRows(header, flags, trialIds, (lo, hi) => (span = `${lo}–${hi}`));
      } catch (e) {
        const message = e instanceof Error ? e.message.split('\n')[0] ?? '' : '';
        if (!/^[A-Za-z ]*(Error|Exception): /.test(message)) throw e;
        throw new PatientDataError([{ location: `${name} rows ${span}`, message: `DuckDB could not screen these rows (${message}): screen the file with --engine js` }], { cause: e });
      }
    },
    close,
  };

  async function* screenRows(header: Parameters<NativeCsv['rows']>[0], flags: ReferenceDates, trialIds: readonly string[], at: (lo: number, hi: number) => void): AsyncGenerator<NativeRow[]> {
    const base = h as number;
    const plan = nativePlan(header, dict, flags, { trials, trialIds });
    // The layout in memory (TEMP), refilled per range; only the lines live in the database file.
    await db.run(createTablesSql(dict, DUCKDB).replaceAll('CREATE TABLE ', 'CREATE TEMP TABLE '));
    for (const m of ACCEPT_MACROS) await db.run(m);
    const tables = layoutTables(dict);
    const load = async (lo: number, hi: number) => {
      const range = `rowid BETWEEN ${lo + base} AND ${hi + base}`;
      if (plan) {
        // Split once into a list (a view would split again for every cell it reads), take the
        // list apart into one column per header column, then check.
        await db.run(`CREATE OR REPLACE TEMP TABLE split AS SELECT (rowid - ${base})::INTEGER AS row_no, string_split(line, ${lit(delimiter)}) AS c FROM lines WHERE ${range}`);
        await db.run(`CREATE OR REPLACE TEMP TABLE cells AS SELECT row_no, len(c) AS n, ${header.names.map((_, i) => `c[${i + 1}] AS ${cellColumn(i)}`).join(', ')} FROM split`);
        await db.run('DROP TABLE split');
        await db.run(`CREATE OR REPLACE TEMP TABLE acc AS SELECT * FROM cells WHERE ${plan.accept}`);
        await db.run('DROP TABLE cells');
        for (const t of tables) await db.run(`DELETE FROM ${q(t.name)}`);
        for (const sql of plan.inserts) await db.run(sql);
        // Each query runs once per range (planning it costs more than running it on the range).
        for (const [k, sql] of queries.entries()) await db.run(`CREATE OR REPLACE TEMP TABLE res${k} AS ${sql}`);
      }
      // The range's rows for JS: those SQL did not take, as their lines.
      await db.run(`CREATE OR REPLACE TEMP TABLE jsrows AS SELECT row_no, line FROM (SELECT (rowid - ${base})::INTEGER AS row_no, line FROM lines WHERE ${range}) WHERE ${plan ? 'row_no NOT IN (SELECT row_no FROM acc)' : 'true'}`);
    };
    // A range is read out of DuckDB whole, then the next one loads in DuckDB's threads while JS
    // writes this one (its error, if any, is thrown when the next range is taken up).
    let loading = busy(load(1, Math.min(total, RANGE_ROWS)));
    for (let lo = 1; lo <= total; lo += RANGE_ROWS) {
      const hi = Math.min(total, lo + RANGE_ROWS - 1);
      at(lo, hi);
      await loading;
      const slices = await readRange(lo, hi, plan !== undefined);
      if (hi < total) loading = busy(load(hi + 1, Math.min(total, hi + RANGE_ROWS)));
      yield* emitRange(slices);
    }
  }

  /**
   * A loaded range's rows: each trial's results (tables res0, res1, …, one row per row_no SQL
   * took) and the rows for JS (table jsrows: row_no, line), a slice at a time, as one text each
   * (native-results.ts; no line has a line break or a \x01, see plainText).
   */
  async function readRange(lo: number, hi: number, screened: boolean): Promise<{ from: number; to: number; results: string | null; js: string | null }[]> {
    const text = async (sql: string) => {
      const result = await db.run(sql);
      return result.chunkCount === 0 ? null : (result.getChunk(0).getColumnVector(0).getItem(0) as string | null);
    };
    const slices = [];
    for (let from = lo; from <= hi; from += SLICE_ROWS) {
      const to = Math.min(hi, from + SLICE_ROWS - 1);
      const results = screened ? await text(reader.sql(from, to)) : null;
      const js = await text(`SELECT string_agg(row_no || chr(1) || line, chr(10) ORDER BY row_no) FROM jsrows WHERE row_no BETWEEN ${from} AND ${to}`);
      slices.push({ from, to, results, js });
    }
    return slices;
  }

  /**
   * A range's rows in input order: every row must come from one table or the other. Rows go out
   * in batches (each step of an async generator costs as much as writing a row), and between
   * batches DuckDB's replies are taken, so the next range's loading goes on.
   */
  async function* emitRange(slices: Awaited<ReturnType<typeof readRange>>): AsyncGenerator<NativeRow[]> {
    for (const { from, to, results, js } of slices) {
      const jsRows: number[] = [];
      const jsLines: string[] = [];
      for (const entry of js ? js.split('\n') : []) {
        const at = entry.indexOf('\x01');
        jsRows.push(Number(entry.slice(0, at)));
        jsLines.push(entry.slice(at + 1));
      }
      let row = from;
      let i = 0;
      let batch: NativeRow[] = [];
      const missing = () => new Error(`DuckDB returned no result for row ${row}`);
      // The rows for JS, split as csvRecords (read-rows.ts) splits a line.
      for (const r of reader.rows(results)) {
        for (; jsRows[i] === row; i++, row++) batch.push({ row, cells: (jsLines[i] as string).split(delimiter) });
        if (r.row !== row) throw missing();
        batch.push(r);
        row++;
        if (batch.length >= BATCH_ROWS) {
          yield batch;
          batch = [];
          await new Promise(setImmediate);
        }
      }
      for (; jsRows[i] === row; i++, row++) batch.push({ row, cells: (jsLines[i] as string).split(delimiter) });
      if (row !== to + 1) throw missing();
      yield batch;
    }
  }
}

/**
 * The header line, if the file has no byte JS would read otherwise: a quote (csv-parse takes over
 * from the first line with one), a carriage return that does not end a line (csv-parse's CRLF
 * records are exactly the lines without their CR, which DuckDB drops too), a NUL (refused), the
 * \x01 DuckDB splits lines at here; nor an empty line before a data row (it would shift the line
 * numbers a ragged row's message gives). A memchr-speed scan.
 */
async function plainText(path: string): Promise<{ header: string } | undefined> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let tail: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let blank = false;
  let header: string | undefined;
  const newline = (b: number | undefined) => b === 0x0a || b === 0x0d;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk.indexOf(0x22) >= 0 || chunk.indexOf(0x00) >= 0 || chunk.indexOf(0x01) >= 0) return undefined;
      const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      if (header === undefined) {
        const text = buf.toString('utf8').replace(/^\uFEFF/, '').replace(/^(\r?\n)+/, '');
        const end = text.indexOf('\n');
        if (end < 0) return undefined;
        header = text.slice(0, end).replace(/\r$/, '');
      }
      for (let i = buf.indexOf(0x0d); i >= 0; i = buf.indexOf(0x0d, i + 1)) if (i + 1 < buf.length && buf[i + 1] !== 0x0a) return undefined;
      let from = 0;
      if (!blank) {
        const a = buf.indexOf('\n\n');
        const b = buf.indexOf('\n\r\n');
        const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
        if (at >= 0) {
          blank = true;
          from = at;
        }
      }
      if (blank) for (let i = from; i < buf.length; i++) if (!newline(buf[i])) return undefined;
      tail = buf.subarray(Math.max(0, buf.length - 2));
    }
    if (tail.length && tail[tail.length - 1] === 0x0d) return undefined;
    return header === undefined ? undefined : { header };
  } catch {
    return undefined;
  } finally {
    stream.destroy();
  }
}
