// `screen batch --engine duckdb` over a CSV file DuckDB reads itself, a range of rows at a time:
// JS reads the file's lines and checks each against one regular expression (every cell of its
// form, as many cells as the header: native-accept.ts); the lines that pass go to a range file,
// each led by its row number. DuckDB reads that file with its CSV reader (no quoting), checks the
// values in SQL and keeps, for the rows it takes, only the values the layout needs (table
// `stage`); the layout is filled from them and screened by each trial's query. Every other row
// goes to the JS validator and engine as its cells, so its messages, warnings and results are
// those of --engine js.
//
// Only a file whose every line JS would split at the delimiter as it stands is read this way: a
// quote anywhere, a carriage return that does not end a line, CR LF and LF endings mixed, a NUL byte, an over-long line, an empty line between rows,
// text that is not UTF-8 or any read error makes `openNativeCsv` return undefined, and the caller
// reads the file as today.
import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { getPriority, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { PreparedResult } from '../batch/batch-row.js';
import type { ReferenceDates } from '../engine/result.js';
import { MAX_LINE_CHARS } from '../batch/checked-text.js';
import { PatientDataError, type Problem } from '../errors.js';
import { DUCKDB } from './dialect.js';
import { ACCEPT_MACROS, cellColumn, nativePlan, type CellType, type NativePlan } from './native-accept.js';
import { lit } from './kit.js';
import { quoteIdent as q } from './layout.js';
import { compileTrial } from './query.js';
import { pack, resultReader } from './native-results.js';
import { onStop } from '../util/on-stop.js';

/**
 * Rows checked, laid out and screened per range: each trial's query is planned once per range
 * (0.5–1.5 s), so ranges are large; a range's layout and query stay within DuckDB's 1 GB.
 */
export const RANGE_ROWS = 100_000;
/**
 * The first and the last range are a quarter of the others: DuckDB's first connection waits for
 * the first to be read, checked, written and staged (2.5-3.5 s at 100,000 rows) before it has
 * anything to screen, and screens the last alone, nothing left to stage beside it.
 */
const END_RANGE_SHARE = 4;

/**
 * How many rows the range after the first `taken` holds, of about `total` (the file's lines
 * counted, an estimate: reading stops at the end of the file whatever it says): a quarter of
 * `rangeRows` first and last, `rangeRows` between (the one before the last takes what is left).
 */
export function rangeSize(taken: number, total: number, rangeRows: number): number {
  const end = Math.max(1, Math.floor(rangeRows / END_RANGE_SHARE));
  if (taken === 0) return end;
  const left = total - taken;
  if (left > rangeRows + end || left <= end) return rangeRows;
  return left - end;
}
/** Rows read out of DuckDB per text: bounds one string's length (a range's slices come in one reply). */
const SLICE_ROWS = 25_000;
/** Rows per batch the generator yields. */
const BATCH_ROWS = 1024;

/** A row screened in SQL (its warnings, one summary per trial), a row SQL found in error (its problems), or a row for the JS path (its cells). */
export type NativeRow = { row: number; patientId: string | null; warnings: string[]; results: PreparedResult[] } | { row: number; ok: false; patientId: string | null; problems: Problem[] } | { row: number; cells: string[] };

export type NativeCsv = {
  /** The first non-empty line (the header), as JS reads it. */
  headerCells: string[];
  /** Every data row in input order, a batch at a time; `header` is the header as resolved by read-rows.ts. */
  rows(header: { names: string[]; targets: Parameters<typeof nativePlan>[0]['targets'] }, flags: ReferenceDates, trialIds: readonly string[], name?: string): AsyncGenerator<NativeRow[]>;
  /** How far into the file the rows handed over so far reach, in bytes (for a progress line's share of the file). */
  bytesDone(): number;
  close(): void;
};

/**
 * `rangeRows` and `sliceRows` (RANGE_ROWS and SLICE_ROWS unless given) set how many rows DuckDB
 * screens at once (the first and the last range a quarter of them) and how many it hands back at
 * once: the output is the same whatever they are.
 */
export async function openNativeCsv(path: string, delimiter: string, dict: Dictionary, trials: Trial[], options: { threads?: number; memoryLimit?: string; wide?: boolean; rangeRows?: number; sliceRows?: number; niceMainThread?: boolean } = {}): Promise<NativeCsv | undefined> {
  // Every delimiter read-rows.ts allows is one byte (DuckDB reads the range files by it).
  if (Buffer.byteLength(delimiter) !== 1) return undefined;
  // The file as checked: JS rows' lines are read again later, from a file that must not have changed.
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const checked = { size: stat.size, mtimeMs: stat.mtimeMs };
  const scanned = await plainText(path);
  if (!scanned) return undefined;
  // One thread: JS prepares and writes ranges on the other core meanwhile, and a trial's query on
  // a 100,000-row range took about 0.55x the CPU time with one thread as with two, and no more wall
  // time.
  const threads = options.threads ?? 1;
  const rangeRows = options.rangeRows ?? RANGE_ROWS;
  const sliceRows = options.sliceRows ?? SLICE_ROWS;
  // Nothing is read yet: if the temporary database cannot be set up, the JS reader reads the file.
  let temp: string | undefined;
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  /** A second connection, staging the next range while the first screens this one. */
  let stager: DuckDBConnection | undefined;
  let closed = false;
  /** Whether the main thread was made nicer for this run (undone by close()). */
  let yielded = false;
  /**
   * Every call into DuckDB not yet settled (setting up, statements). The database is never closed
   * while one runs: closing it under a running call crashed the process (SIGSEGV, its temporary
   * directory left behind) when Ctrl-C came while DuckDB was being set up or read out.
   */
  const inflight = new Set<Promise<unknown>>();
  const busy = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    // Awaited where it is used (its error is thrown there).
    const done = () => inflight.delete(work);
    work.then(done, done);
    return work;
  };
  // Ctrl-C or a kill while DuckDB works: the temporary database (a copy of the input's patient
  // data) is removed, then the process ends by the signal as it would have; an exit mid-way removes
  // it too.
  const stopListening = onStop(close);
  try {
    temp = mkdtempSync(join(tmpdir(), 'trial-screen-native-'));
    // A database of its own in a temporary directory, its spill files beside it (under memory_limit).
    // The allocator's background thread gives freed memory back: without it peak RSS was 0.97-0.99 GB
    // on a 400,000-row file, with it 0.78-0.80 GB, in the same time (the statements run in libuv's
    // threads, each keeping what it freed).
    instance = await busy(DuckDBInstance.create(join(temp, 'rows.duckdb'), { threads: String(threads), memory_limit: options.memoryLimit ?? '1GB', temp_directory: join(temp, 'spill'), preserve_insertion_order: 'true', allocator_background_threads: 'true' }));
    // (Closed meanwhile, by a signal: nothing more is started; close() closes what there is.)
    if (closed) return undefined;
    conn = await busy(instance.connect());
    if (closed) return undefined;
    stager = await busy(instance.connect());
    if (closed) return undefined;
    // The staged ranges live in an in-memory database both connections see (a temporary table is
    // its connection's own).
    await busy(conn.run("ATTACH ':memory:' AS staged"));
    if (closed) return undefined;
  } catch {
    close();
    return undefined;
  }
  const db: DuckDBConnection = conn;
  const db2: DuckDBConnection = stager;
  // The main thread yields to DuckDB's (`niceMainThread`, the CLI's choice): on two cores the
  // query, the staging and JS's part (writing output, preparing ranges) were three threads sharing
  // two cores, the query (the pipeline's longest chain) slowed to two thirds of a core and a core
  // idle at the end of each range; JS's part has slack, the query none. (1,000,000 rows: 43.4 and
  // 47.4 s against 48.2 and 51.7 s, interleaved.)
  if (options.niceMainThread) yielded = MAIN_THREAD.yield();
  /** A statement, unless the run is closed (then it is not started: close() interrupts only the ones running). */
  const on = (c: DuckDBConnection) => (sql: string) => {
    if (closed) return Promise.reject(new Error('Interrupted Error: the run was closed'));
    return busy(c.run(sql));
  };
  const run = on(db);
  const run2 = on(db2);
  function close() {
    if (closed) return;
    closed = true;
    if (yielded) MAIN_THREAD.restore();
    stopListening();
    // (Retried: a range file being written in libuv's threads meanwhile makes the directory not
    // empty when its listing was taken.)
    const removeTemp = () => {
      if (temp) rmSync(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    };
    const end = () => {
      stager?.closeSync();
      conn?.closeSync();
      instance?.closeSync();
    };
    try {
      // Calls still running (the output failed while the next range loaded, a signal): stopped, and
      // the database closed once they have ended. Its files can go now (they are open, not needed).
      if (inflight.size) {
        conn?.interrupt();
        stager?.interrupt();
        // (Once they have ended, a range file written meanwhile goes too.)
        const last = () => {
          try {
            end();
          } finally {
            try {
              removeTemp();
            } catch {
              // (The first removal, below, has already reported nothing or failed the same way.)
            }
          }
        };
        Promise.allSettled([...inflight]).then(last, last);
      } else end();
    } finally {
      // Whatever happened to DuckDB, its files (a copy of the patients' data) go.
      removeTemp();
    }
  }
  // (Packed: the outcomes as numbers, in no order; the reader orders a slice.)
  const queries = trials.map((t) => compileTrial(t, dict, DUCKDB, { pack }).sql);
  // `wide`: the results carry each criterion's outcome by id (--wide).
  const reader = resultReader(trials, options.wide === true);
  const headerLine = scanned.header;
  const lineEnds = scanned.lines;
  /** The end of the last row handed over, as an offset in the file. */
  let handedOver = 0;
  return {
    headerCells: scanned.header.split(delimiter),
    async *rows(header, flags, trialIds, name = 'input') {
      // DuckDB failing part-way (out of memory, the disk of its spill files full) is reported for the
      // rows it was screening, in one line; the rows before them are already written.
      let span = '';
      try {
        yield* screenRows(header, flags, trialIds, (lo, hi) => (span = `${lo}–${hi}`));
      } catch (e) {
        if (e instanceof FileChanged) throw new PatientDataError([{ location: name, message: 'the file changed while it was read: screen it again' }], { cause: e });
        // The file, or the range file in the temporary directory (a disk full, an I/O error).
        const code = (e as NodeJS.ErrnoException | undefined)?.code;
        if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
          throw new PatientDataError([{ location: `${name} rows ${span}`, message: `could not read the file or write DuckDB's temporary range file (${code}): screen the file with --engine js` }], { cause: e });
        }
        const message = e instanceof Error ? e.message.split('\n')[0] ?? '' : '';
        if (!/^[A-Za-z ]*(Error|Exception): /.test(message)) throw e;
        throw new PatientDataError([{ location: `${name} rows ${span}`, message: `DuckDB could not screen these rows (${message}): screen the file with --engine js` }], { cause: e });
      }
    },
    bytesDone: () => handedOver,
    close,
  };

  async function* screenRows(header: Parameters<NativeCsv['rows']>[0], flags: ReferenceDates, trialIds: readonly string[], at: (lo: number, hi: number) => void): AsyncGenerator<NativeRow[]> {
    const plan = nativePlan(header, dict, flags, { trials, trialIds }, delimiter);
    if (plan) {
      for (const m of ACCEPT_MACROS) await run(m);
      // Without DuckDB's rewriting of IN lists, for the whole run: with a few hundred columns it took
      // seconds to plan the staging statement, and held more than 1 GB, on an empty range; the
      // trials' queries took the same time without it.
      await run("SET GLOBAL disabled_optimizers = 'in_clause'");
    }
    // A range file: the row number, then the line's cells, each read as the plan's type (a date or a
    // number as one, without a text kept or a cast), an empty one as NULL. Every typed cell has the
    // form of its type (plan.line), so the reader never fails to read one. (Not force_not_null, to
    // keep empty text '': DuckDB 1.5 applies it to the wrong columns when a query reads only some.)
    const types = plan?.cellTypes ?? header.names.map((): CellType => 'VARCHAR');
    const columns = `{${['row_no', ...header.names.map((_, i) => cellColumn(i))].map((c, i) => `${lit(c)}: ${lit(i === 0 ? 'INTEGER' : (types[i - 1] as CellType))}`).join(', ')}}`;
    const source = (file: string) => `read_csv(${lit(file)}, columns = ${columns}, header = false, delim = ${lit(delimiter)}, quote = '', escape = '', nullstr = '', auto_detect = false, strict_mode = true, max_line_size = ${MAX_LINE_CHARS + 32})`;
    /** Ranges prepared so far: each stages into table stage_0 or stage_1 by turns. */
    let turns = 0;
    /**
     * JS's part of a range, done while DuckDB screens the one before: the lines every cell of which
     * has its form go to the range's own file, each led by its row number. The lines are not kept:
     * a JS row's line is read again from the file when its range is read out.
     */
    const prepare = async ({ lo, lines, starts }: LineRange): Promise<Prepared> => {
      const hi = lo + lines.length - 1;
      const lengths = Uint32Array.from(lines, (l) => l.length);
      const turn = turns++ % 2;
      if (!plan) return { lo, hi, starts, lengths, turn };
      const range = Buffer.allocUnsafe(lines.reduce((n, l) => n + l.length, 0) + lines.length * 13);
      let end = 0;
      for (const [i, l] of lines.entries()) {
        // (The expression counts the cells too, exactly, as no form matches the delimiter: a cell too
        // many, which DuckDB's reader would silently drop if empty, or too few fails it.)
        if (!plan.line.test(l.toString('utf8'))) continue;
        end += range.write(`${lo + i}${delimiter}`, end, 'utf8');
        end += l.copy(range, end);
        range[end++] = 0x0a;
      }
      const file = join(temp as string, `range-${lo}.csv`);
      // (Written in libuv's threads: a first write of 50 MB to a new file took 0.45 s here.)
      await writeFile(file, range.subarray(0, end));
      // (Closed while it was written: nothing will read or remove it.)
      if (closed) rmSync(file, { force: true });
      return { lo, hi, starts, lengths, file, turn };
    };
    /** A table of the layout as staged for turn `turn`. */
    const stagedTable = (turn: number) => (name: string) => `staged.${q(`${name}_${turn}`)}`;
    /**
     * DuckDB's first part of a range, on the second connection (while the first screens the range
     * before): the rows SQL takes, staged into table staged.stage_0 or stage_1 by turns, and the
     * layout's record tables made from them beside it (staged."medications_0", …), each
     * connection reading the turn's table through its own view named stage.
     */
    const stageRange = async ({ file, turn }: Prepared) => {
      if (!file) return;
      // One call into DuckDB: each call's reply waits for the main thread, busy writing output.
      const p = plan as NativePlan;
      try {
        await run2([p.stage(source(file), `staged.stage_${turn}`), `CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM staged.stage_${turn}`, ...p.load(stagedTable(turn))].join('\n;\n'));
      } finally {
        rmSync(file, { force: true });
      }
    };
    /** DuckDB's second part of a range, once staged: screened by each trial's query and read out. */
    const screenRange = async ({ lo, hi, starts, lengths, file, turn }: Prepared) => {
      // One call into DuckDB for the whole range, its rows read out at the end: each call's reply
      // waits for the main thread, busy writing the range before, and the next range's query waits
      // for that reply.
      const statements: string[] = [];
      if (file) {
        const p = plan as NativePlan;
        // The trials' queries read the turn's tables through views of the layout's names.
        statements.push(`CREATE OR REPLACE TEMP VIEW stage AS SELECT * FROM staged.stage_${turn}`);
        for (const name of p.tables) statements.push(`CREATE OR REPLACE TEMP VIEW ${q(name)} AS SELECT * FROM ${stagedTable(turn)(name)}`);
        statements.push(p.patients);
        // Each query runs once per range.
        for (const [k, sql] of queries.entries()) statements.push(`CREATE OR REPLACE TEMP TABLE res${k} AS ${sql}`);
        // The range's rows for JS: those SQL did not take.
        statements.push(`CREATE OR REPLACE TEMP TABLE jsrows AS SELECT r::INTEGER AS row_no FROM range(${lo}, ${hi + 1}) t(r) WHERE r NOT IN (SELECT row_no FROM stage)`);
      } else {
        statements.push(`CREATE OR REPLACE TEMP TABLE jsrows AS SELECT r::INTEGER AS row_no FROM range(${lo}, ${hi + 1}) t(r)`);
      }
      statements.push(readout(lo, hi, file !== undefined));
      const result = await run(statements.join('\n;\n'));
      // (A file rewritten since it was checked: its lines read again would not be the lines checked.)
      unchanged();
      return { parts: slicesOf(result, lo, hi, (r) => lineAt(starts[r - lo] as number, lengths[r - lo] as number)), end: (r: number) => (starts[r - lo] as number) + (lengths[r - lo] as number) };
    };
    // DuckDB screens a range while JS writes the one before and prepares the one after, so DuckDB
    // never waits for JS's part; a range's error, if any, is thrown when it is taken up.
    const ranges = lineRanges(path, headerLine, (taken) => rangeSize(taken, lineEnds, rangeRows))[Symbol.asyncIterator]();
    // A JS row's line, read again from where lineRanges found it.
    const fd = openSync(path, 'r');
    const unchanged = () => {
      const now = fstatSync(fd);
      if (now.size !== checked.size || now.mtimeMs !== checked.mtimeMs) throw new FileChanged();
    };
    const lineAt = (start: number, length: number): string => {
      const bytes = Buffer.allocUnsafe(length);
      for (let got = 0; got < length; ) {
        const n = readSync(fd, bytes, got, length - got, start + got);
        if (n === 0) throw new FileChanged();
        got += n;
      }
      return bytes.toString('utf8');
    };
    try {
      // (`at` names the range whose step is under way, for an error's message; `preparing` the one
      // being read and prepared.)
      let preparing: [number, number] | undefined;
      const upcoming = async () => {
        const next = await ranges.next();
        if (next.done) return undefined;
        // (Named by a failure to prepare it; `at` names only the range being screened, as this one
        // is read ahead of it.)
        preparing = [next.value.lo, next.value.lo + next.value.lines.length - 1];
        return prepare(next.value);
      };
      // Range N is screened on the first connection while N+1 is staged on the second (into the
      // other tables) and JS writes N-1; N+2 is read and prepared as soon as N+1 is, and staged once
      // N+1 is and N is read out (its tables are free again). Reading or preparing a range that
      // fails does so once the ranges before it are written, naming its rows.
      const first = await upcoming().catch((e: unknown) => {
        if (preparing) at(...preparing);
        throw e;
      });
      const firstStaged = first && busy(stageRange(first));
      let current = first && { lo: first.lo, hi: first.hi, slices: busy((firstStaged as Promise<void>).then(() => screenRange(first))) };
      const stagedAfter = (before: Promise<void>, range: Promise<Prepared | undefined>) => busy(Promise.all([before, range]).then(([, r]) => (r ? stageRange(r) : undefined)));
      // The range after `range`, read once it is prepared (the file is read in order).
      const readAhead = (range: Promise<Prepared | undefined>) => busy(range.then((r) => (r ? upcoming() : undefined)));
      let nextRange = current && busy(upcoming());
      let afterNext = nextRange && readAhead(nextRange);
      let nextStaged = nextRange && stagedAfter(firstStaged as Promise<void>, nextRange);
      while (current) {
        const { lo, hi } = current;
        at(lo, hi);
        const slices = await current.slices;
        let failed: { error: unknown; rows: [number, number] | undefined } | undefined;
        let next: Prepared | undefined;
        try {
          next = await nextRange;
        } catch (error) {
          failed = { error, rows: preparing };
        }
        const staged = nextStaged as Promise<void>;
        current = next && { lo: next.lo, hi: next.hi, slices: busy(staged.then(() => screenRange(next))) };
        nextRange = current && afterNext;
        afterNext = nextRange && readAhead(nextRange);
        nextStaged = nextRange && stagedAfter(staged, nextRange);
        at(lo, hi);
        yield* emitRange(slices);
        if (failed) {
          if (failed.rows) at(...failed.rows);
          throw failed.error;
        }
      }
    } finally {
      // Left early (an error, or the output closed): the file is closed now, not when collected.
      closeSync(fd);
      await ranges.return?.(undefined);
    }
  }

  /**
   * The statement reading a loaded range's rows out, a slice (`sliceRows`) a row: the slice's first
   * and last row numbers, each trial's results (tables res0, res1, …, one row per row_no SQL took)
   * as one text (native-results.ts; NULL unless `screened`) and the rows for JS (table jsrows), a
   * text of their numbers.
   */
  function readout(lo: number, hi: number, screened: boolean): string {
    const slices: string[] = [];
    for (let from = lo; from <= hi; from += sliceRows) {
      const to = Math.min(hi, from + sliceRows - 1);
      const results = screened ? `(${reader.sql(from, to)})` : 'NULL::VARCHAR';
      slices.push(`SELECT ${from}::INTEGER AS lo, ${to}::INTEGER AS hi, ${results} AS results, (SELECT string_agg(row_no::VARCHAR, ',' ORDER BY row_no) FROM jsrows WHERE row_no BETWEEN ${from} AND ${to}) AS js`);
    }
    // (In no order: slicesOf orders the few rows; DuckDB would copy their texts to sort them.)
    return slices.join(' UNION ALL ');
  }

  /** The slices `readout` read, rows `lo`..`hi` and no other, with the JS rows' lines as text (`line`). */
  function slicesOf(result: DuckDBMaterializedResult, lo: number, hi: number, line: (row: number) => string): Slice[] {
    const got: { from: number; to: number; results: string | null; js: string | null }[] = [];
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const [from, to, results, js] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
      for (let i = 0; i < chunk.rowCount; i++) got.push({ from: from?.getItem(i) as number, to: to?.getItem(i) as number, results: results?.getItem(i) as string | null, js: js?.getItem(i) as string | null });
    }
    got.sort((x, y) => x.from - y.from);
    // Each slice follows the one before, from the range's first row to its last (emitRange checks
    // every row of each is there).
    const slices: Slice[] = [];
    let next = lo;
    for (const { from, to, results, js } of got) {
      if (from !== next) break;
      const jsRows = js ? js.split(',').map(Number) : [];
      slices.push({ from, to, results, jsRows, jsLines: jsRows.map(line) });
      next = to + 1;
    }
    if (next !== hi + 1) throw new Error(`DuckDB returned no result for rows from ${next}`);
    return slices;
  }

  /**
   * A range's rows in input order: every row must come from one table or the other. Rows go out
   * in batches (each step of an async generator costs as much as writing a row), and between
   * batches DuckDB's replies are taken, so the next range's loading goes on.
   */
  async function* emitRange(slices: Slices): AsyncGenerator<NativeRow[]> {
    for (const { from, to, results, jsRows, jsLines } of slices.parts) {
      let row = from;
      let i = 0;
      let batch: NativeRow[] = [];
      const missing = () => new Error(`DuckDB returned no result for row ${row}`);
      const screened = reader.rows(results);
      for (;;) {
        // A row for JS (split as csvRecords in read-rows.ts splits a line), else SQL's next.
        if (jsRows[i] === row) batch.push({ row, cells: (jsLines[i++] as string).split(delimiter) });
        else {
          const next = screened.next();
          if (next.done) break;
          if (next.value.row !== row) throw missing();
          batch.push(next.value);
        }
        row++;
        // (Full after a run of rows for JS too: a slice whose rows all go to JS is not one batch.)
        if (batch.length >= BATCH_ROWS) {
          handedOver = slices.end(row - 1);
          yield batch;
          batch = [];
          await new Promise(setImmediate);
        }
      }
      if (row !== to + 1) throw missing();
      handedOver = slices.end(to);
      yield batch;
    }
  }
}

/** How much nicer the main thread is made while DuckDB works. */
export const MAIN_THREAD_NICENESS = 10;

/**
 * The main thread's niceness while native runs are open: raised by MAIN_THREAD_NICENESS when the
 * first opens, back when the last closes. Only on Linux, which keeps a niceness per thread (DuckDB
 * works in libuv's threads, made before, which keep theirs); elsewhere the call sets the whole
 * process's, DuckDB's threads included, and gains nothing. Raising a niceness back needs privileges:
 * where that is refused the thread stays nicer (a CLI run is ending) and is not raised again.
 */
const MAIN_THREAD = (() => {
  let open = 0;
  let before: number | undefined;
  let stuck = false;
  return {
    /** Whether this run counts as one that yielded (and must call restore). */
    yield(): boolean {
      if (process.platform !== 'linux') return false;
      if (open++ > 0 || stuck) return true;
      try {
        before = getPriority();
        setPriority(Math.min(19, before + MAIN_THREAD_NICENESS));
      } catch {
        before = undefined;
      }
      return true;
    },
    restore(): void {
      if (--open > 0 || stuck || before === undefined) return;
      try {
        setPriority(before);
      } catch {
        stuck = true;
      }
    },
  };
})();

/** The file read for its rows is not the one checked before (another header line). */
class FileChanged extends Error {}

/** A slice of a range's rows as read out: the results' text, and the rows for JS with their lines. */
type Slice = { from: number; to: number; results: string | null; jsRows: number[]; jsLines: string[] };
/** A range's rows as read out, a slice at a time, and where in the file each row ends (`end`). */
type Slices = { parts: Slice[]; end: (row: number) => number };

/** A range of lines: `file` holds those SQL may take (when there is a plan). */
type Prepared = { lo: number; hi: number; starts: Float64Array; lengths: Uint32Array; file?: string; turn: number };
/** A range of lines (views of what was read), and where in the file each starts. */
type LineRange = { lo: number; lines: Buffer[]; starts: Float64Array };

/**
 * The file's data rows, `size(rows taken so far)` at a time, as their lines without line ends
 * (`lo`: the first one's row number): after a byte order mark, empty lines and the header line,
 * every line up to the first empty one (plainText has checked only line ends follow it).
 */
async function* lineRanges(path: string, header: string, size: (taken: number) => number): AsyncGenerator<LineRange> {
  const handle = await open(path, 'r');
  try {
    let buf: Buffer = Buffer.alloc(0);
    let eof = false;
    let pos = 0;
    /** Where in the file buf starts. */
    let offset = 0;
    // A new buffer each time: the lines handed out are views of the old one, never written again.
    // (The unread rest is copied to its start and the file read in after it: no copy of what is read.)
    const fill = async () => {
      const rest = buf.length - pos;
      const next = Buffer.allocUnsafe(rest + (4 << 20));
      buf.copy(next, 0, pos);
      const { bytesRead } = await handle.read(next, rest, 4 << 20, null);
      if (bytesRead === 0) eof = true;
      buf = next.subarray(0, rest + bytesRead);
      offset += pos;
      pos = 0;
    };
    /** The next line without its end (CR LF or LF), or undefined at the end of the file. */
    const next = async (): Promise<Buffer | undefined> => {
      for (;;) {
        const end = buf.indexOf(0x0a, pos);
        if (end >= 0) {
          const out = buf.subarray(pos, end > pos && buf[end - 1] === 0x0d ? end - 1 : end);
          pos = end + 1;
          return out;
        }
        if (eof) {
          if (pos >= buf.length) return undefined;
          const out = buf.subarray(pos);
          pos = buf.length;
          return out;
        }
        await fill();
      }
    };
    let first = await next();
    if (first && first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
    while (first !== undefined && first.length === 0) first = await next();
    if (first === undefined || first.toString('utf8') !== header) throw new FileChanged();
    for (let lo = 1; ; ) {
      const rows = size(lo - 1);
      const lines: Buffer[] = [];
      const starts = new Float64Array(rows);
      while (lines.length < rows) {
        const at = offset + pos;
        const l = await next();
        if (l === undefined || l.length === 0) break;
        starts[lines.length] = at;
        lines.push(l);
      }
      if (lines.length) yield { lo, lines, starts: starts.subarray(0, lines.length) };
      if (lines.length < rows) return;
      lo += rows;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The header line and the number of line ends, if the file has no byte JS would read otherwise: a quote (csv-parse takes over
 * from the first line with one), a carriage return that does not end a line (csv-parse's CRLF
 * records are exactly the lines without their CR, which DuckDB drops too), a NUL (refused), the
 * \x01 DuckDB reads as NULL here; nor an empty line before a data row (it would shift the line
 * numbers a ragged row's message gives), a line too long for JS, or text that is not UTF-8.
 * A memchr-speed scan.
 */
async function plainText(path: string): Promise<{ header: string; lines: number } | undefined> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let tail: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let blank = false;
  let header: string | undefined;
  let lineStart = 0;
  let searchFrom = 0;
  let crlf = false;
  let lf = false;
  /** Line ends seen (each once: the next chunk's scan starts after the last one). */
  let ends = 0;
  const newline = (b: number | undefined) => b === 0x0a || b === 0x0d;
  // Text that is not UTF-8 is read by JS, which words the problem.
  let unfinished: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // (Checked up to the last whole character; the bytes of one cut by the chunk's end go with the next.)
      const bytes = unfinished.length ? Buffer.concat([unfinished, chunk]) : chunk;
      const whole = wholeCharacters(bytes);
      if (!isUtf8(bytes.subarray(0, whole))) return undefined;
      unfinished = bytes.subarray(whole);
      if (chunk.indexOf(0x22) >= 0 || chunk.indexOf(0x00) >= 0 || chunk.indexOf(0x01) >= 0) return undefined;
      const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      if (header === undefined) {
        const text = buf.toString('utf8').replace(/^\uFEFF/, '').replace(/^(\r?\n)+/, '');
        const end = text.indexOf('\n');
        if (end < 0) return undefined;
        header = text.slice(0, end).replace(/\r$/, '');
        // Empty lines are looked for after the header line (those before it are skipped, as by JS).
        let at = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
        while (buf[at] === 0x0a || (buf[at] === 0x0d && buf[at + 1] === 0x0a)) at += buf[at] === 0x0a ? 1 : 2;
        searchFrom = buf.indexOf(0x0a, at);
      }
      for (let i = buf.indexOf(0x0d); i >= 0; i = buf.indexOf(0x0d, i + 1)) if (i + 1 < buf.length && buf[i + 1] !== 0x0a) return undefined;
      // A line longer than JS reads (checked-text.ts, in bytes here: at least its characters): JS gives the file its message.
      // Lines ending in CR LF and in LF alone: csv-parse reads the file by its first line's end.
      for (let i = buf.indexOf(0x0a, Math.max(0, lineStart)); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
        if (i - lineStart > MAX_LINE_CHARS) return undefined;
        if (i > 0 && buf[i - 1] === 0x0d) crlf = true;
        else lf = true;
        if (crlf && lf) return undefined;
        lineStart = i + 1;
        ends += 1;
      }
      if (buf.length - lineStart > MAX_LINE_CHARS) return undefined;
      let from = 0;
      if (!blank) {
        const a = buf.indexOf('\n\n', searchFrom);
        const b = buf.indexOf('\n\r\n', searchFrom);
        const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
        if (at >= 0) {
          blank = true;
          from = at;
        }
      }
      if (blank) for (let i = from; i < buf.length; i++) if (!newline(buf[i])) return undefined;
      searchFrom = 0;
      const keep = Math.max(0, buf.length - 2);
      tail = buf.subarray(keep);
      lineStart -= keep;
    }
    if (tail.length && tail[tail.length - 1] === 0x0d) return undefined;
    if (unfinished.length) return undefined;
    // (About the data rows: the header's end and empty lines' are counted, a last line without an
    // end is not.)
    return header === undefined ? undefined : { header, lines: ends };
  } catch {
    return undefined;
  } finally {
    stream.destroy();
  }
}

/** How many of `bytes` end at a character's end: all but a last UTF-8 sequence not yet complete. */
function wholeCharacters(bytes: Buffer): number {
  let i = bytes.length - 1;
  // Back over up to three continuation bytes to the sequence's first byte.
  while (i >= 0 && bytes.length - i <= 3 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  if (i < 0) return bytes.length;
  const lead = bytes[i] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - i >= need ? bytes.length : i;
}
