// The work of `screen batch`, loaded only when it runs (see commands/batch.ts): screens every row
// of a CSV, spreadsheet, Parquet or NDJSON file, or every patient JSON file given, in one
// streaming pass and ends with a screen-failure summary.
import { closeSync, createReadStream, statSync, writeSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pickTrials } from './pick-trials.js';
import type { Trial } from '../criteria/load-trial.js';
import { compileTrial, screenOutcomes, type OutcomeSummary } from '../engine/evaluate.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { ReferenceDates } from '../engine/result.js';
import type { Problem } from '../errors.js';

/** A row screened in SQL by the native CSV path (src/sql/native-batch.ts). */
type SqlRow = { row: number; patientId: string | null; warnings: string[]; results: PreparedResult[] };

/** Rows per DuckDB chunk (see src/sql/duckdb-batch.ts). */
const CHUNK_ROWS = 50_000;
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { excerpt, formatProblem, OutputError, PatientDataError, UsageError } from '../errors.js';
import { errorRow, preparedRow, screenedRow, type PreparedResult } from '../batch/batch-row.js';
import type { HeaderInfo, InputFormat, InputItem } from '../batch/read-rows.js';
import { SummaryCounter } from '../batch/screen-failure-summary.js';
import { formatOfExtension } from '../batch/input-formats.js';
import { IdIndex } from '../batch/id-index.js';
import { checkedText } from '../batch/checked-text.js';
import type { BatchFormat, RowTemplate } from '../report/formats.js';
import { formatSummaryText } from '../report/summary-text.js';
import type { CliIo } from './io.js';
import { parsePatientInput, readPatientInput } from './read-patient.js';
import { patientIdOf } from '../patient/parse.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { EXIT_ROW_ERRORS, type BatchFlags } from './commands/batch.js';
import { flagDates } from './screen-command.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { inFileNumbering } from '../patient/record-origins.js';
import { closeQuietly, errorCode, fileIdentity, openOutFile, stdinIdentity, writeOutFile } from './batch-out-file.js';

/** `raw` is the file stream under the text checks: how far it has read, and closing it. */
type OpenedInput = { stream: AsyncIterable<Buffer | string>; name: string; raw?: { bytesRead: number; destroy(): void } };

function openInput(arg: string, io: CliIo): OpenedInput {
  if (arg === '-') return { stream: checkedText(io.stdin as AsyncIterable<Buffer | string>, '<stdin>'), name: '<stdin>' };
  const path = resolve(io.cwd, arg);
  try {
    if (statSync(path).isDirectory()) throw new PatientDataError([{ location: arg, message: 'is a directory, not a patients file' }]);
  } catch (e) {
    if (e instanceof PatientDataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  }
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  return { stream: checkedText(raw, arg), name: arg, raw };
}

/** The format from --input-format, the extension, or (for stdin) the first non-blank character. */
async function detectFormat(arg: string, flag: InputFormat | undefined, stream: AsyncIterable<Buffer | string>): Promise<{ format: InputFormat; stream: AsyncIterable<Buffer | string> }> {
  if (flag) return { format: flag, stream };
  const ext = extname(arg).toLowerCase();
  const byName = formatOfExtension(ext);
  if (byName) return { format: byName, stream };
  if (ext === '.xls') throw new UsageError(`"${arg.slice(0, 80)}" is an old-style .xls workbook: save it as .xlsx (or CSV) first`);
  if (arg !== '-') throw new UsageError(`cannot tell the format of "${arg.slice(0, 80)}" from its extension: name it .csv, .xlsx, .parquet or .ndjson, or give --input-format csv|xlsx|parquet|ndjson`);
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? '' : String(first.value).replace(/^\uFEFF/, '').trimStart();
  const format: InputFormat = head.startsWith('{') ? 'ndjson' : 'csv';
  async function* rest() {
    if (!first.done) yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { format, stream: rest() };
}

/** `close(complete)`: the output ends here; `complete` is false when the run stopped early. */
type Sink = { write(s: string): Promise<void>; close(complete: boolean): Promise<void> };

/** Ends a reader not read to its end (its `finally` blocks run); an error doing so hides no other. */
async function leave(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.(undefined);
  } catch {
    // The error being thrown is the one to report.
  }
}

type Target = { write(s: string, cb?: (e?: Error | null) => void): unknown; once?: (ev: string, fn: (e?: unknown) => void) => unknown; writableLength?: number };

/**
 * Buffers output into large writes. Every write is checked: --out is written with writeSync (an
 * error such as ENOSPC surfaces at once); a real stdout stream reports errors through its write
 * callbacks (EPIPE when the reader, e.g. head, has gone). A failure is an OutputError (exit 74).
 * An --out file is whole or not there (batch-out-file.ts): `close(false)` leaves the file that was
 * there before.
 */
function sinkFor(flags: BatchFlags, io: CliIo): Sink {
  const fail = (where: string, e: unknown, state = 'the output is incomplete') => new OutputError(`cannot write ${where}: ${errorCode(e)}; ${state}`, { cause: e });
  let buffer = '';
  if (flags.out) {
    const out = flags.out;
    const file = openOutFile(resolve(io.cwd, out), out);
    // (A failed write to the temporary file leaves --out as it was.)
    const failOut = (e: unknown) => fail(out, e, file.inPlace ? undefined : `${out} was left as it was`);
    const flush = () => {
      if (!buffer) return;
      const bytes = Buffer.from(buffer);
      buffer = '';
      try {
        for (let off = 0; off < bytes.length; ) off += writeSync(file.fd, bytes, off);
      } catch (e) {
        throw failOut(e);
      }
    };
    return {
      async write(s) {
        buffer += s;
        if (buffer.length >= 64 * 1024) {
          flush();
          // (The event loop turns, so Ctrl-C is handled at once: its handler removes the temporary file.)
          await new Promise(setImmediate);
        }
      },
      async close(complete) {
        try {
          if (complete) flush();
        } catch (e) {
          closeQuietly(file.fd);
          file.abandon();
          throw e;
        }
        try {
          closeSync(file.fd);
        } catch (e) {
          file.abandon();
          throw failOut(e);
        }
        if (complete) file.finish();
        else file.abandon();
      },
    };
  }
  const target = io.stdout as Target;
  // A real stream (process.stdout) calls back after each write, with the error if there is one.
  const isStream = typeof target.writableLength === 'number';
  let failed: unknown;
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (failed) throw fail('standard output', failed);
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    if (!isStream) {
      target.write(chunk);
      return;
    }
    await pending;
    pending = new Promise<void>((done) => {
      target.write(chunk, (e) => {
        if (e) failed ??= e;
        done();
      });
    });
    if ((target.writableLength ?? 0) > 1024 * 1024) await pending;
    if (failed) throw fail('standard output', failed);
  };
  return {
    async write(s) {
      buffer += s;
      if (buffer.length >= 64 * 1024) await flush();
    },
    async close() {
      await flush();
      await pending;
      if (failed) throw fail('standard output', failed);
    },
  };
}

/** Refuse --out/--summary that name the input or each other (also through links): dev+inode. */
function checkDistinctFiles(arg: string, flags: BatchFlags, io: CliIo): void {
  const files: { flag: string; id: string | undefined }[] = [];
  // (Standard input redirected from a file, `- < rows.csv`: that file.)
  files.push({ flag: 'the input', id: arg !== '-' ? fileIdentity(resolve(io.cwd, arg)) : stdinIdentity(io) });
  if (flags.out) files.push({ flag: '--out', id: fileIdentity(resolve(io.cwd, flags.out)) });
  if (flags.summary) files.push({ flag: '--summary', id: fileIdentity(resolve(io.cwd, flags.summary)) });
  const seen = new Map<string, string>();
  for (const f of files) {
    const id = f.id;
    if (id === undefined) continue;
    const other = seen.get(id);
    if (other) throw new UsageError(`${f.flag} is the same file as ${other}${other === 'the input' ? ': writing it would destroy the input' : ''}; choose another file`);
    seen.set(id, f.flag);
  }
}

/**
 * The progress line on a terminal: rows done, and with the input's size known, the share done and
 * the time left (`bytesDone` tells how far into the file the rows are: read by the JS path, handed
 * over to be written by the native path).
 */
function progressReporter(io: CliIo, enabled: boolean, totalBytes: number | undefined, bytesDone: () => number) {
  if (!enabled || io.stderr.isTTY !== true) return { tick: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  let rows = 0;
  const show = () => {
    io.stderr.write(`\r\x1b[K${progressText(rows, (Date.now() - started) / 1000, totalBytes, bytesDone())}`);
  };
  return {
    tick() {
      rows += 1;
      if ((rows & 255) === 0 && Date.now() - last > 250) {
        last = Date.now();
        show();
      }
    },
    done() {
      if (rows > 0) io.stderr.write('\r\x1b[K');
    },
  };
}

/** Before this much of the file and this many seconds, no time left is shown: it would be a guess. */
const ESTIMATE_AFTER = { share: 0.01, secs: 2 };

/**
 * "screening: 12,000 rows, 400 rows/s · 48% of 20 MB · 00:33 left" (the time left from the share
 * done so far, as mm:ss or h:mm:ss; none in the first 2 s or before 1% of the file).
 */
export function progressText(rows: number, secs: number, totalBytes: number | undefined, doneBytes: number): string {
  const rate = secs > 0 ? Math.round(rows / secs) : 0;
  const head = `screening: ${rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s`;
  if (!totalBytes || doneBytes <= 0) return head;
  const share = Math.min(1, doneBytes / totalBytes);
  const done = `${head} · ${Math.floor(share * 100)}% of ${(totalBytes / 1e6).toFixed(totalBytes < 1e7 ? 1 : 0)} MB`;
  if (share < ESTIMATE_AFTER.share || secs < ESTIMATE_AFTER.secs) return done;
  const left = Math.round(secs * (1 / share - 1));
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(left / 3600);
  const clock = `${hours ? `${hours}:` : ''}${two(Math.floor((left % 3600) / 60))}:${two(left % 60)}`;
  return `${done} · ${clock} left`;
}

/**
 * Patient JSON files, one row each in the order given (row n is the nth file): each read and
 * parsed by the functions `screen` reads a patient file with (size, UTF-8, the one JSON reader; a
 * FHIR Bundle imported, its summary on stderr), so each row is what `screen` gives for the file. A
 * file that cannot be read or is not a valid patient is an error row naming it, not the end.
 */
async function* readPatientFiles(files: string[], dict: Dictionary, io: CliIo, dates: ReferenceDates): AsyncGenerator<InputItem> {
  for (const [i, file] of files.entries()) {
    const row = i + 1;
    let text = '';
    try {
      const input = await readPatientInput(file, io);
      text = input.text;
      yield { row, ok: true, parsed: await parsePatientInput(input, dict, dates, io) };
    } catch (e) {
      if (!(e instanceof PatientDataError)) throw e;
      yield { row, ok: false, patientId: idIn(text), problems: e.problems };
    }
  }
}

/** A refused patient file's id, for its error row, when the text is JSON with a string id. */
function idIn(text: string): string | null {
  try {
    return patientIdOf(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * Patient JSON files (`a.json b.json …`), rather than one file of rows: every name ends in .json
 * (and no --input-format says otherwise: one .json file read as NDJSON, say).
 */
export function patientFiles(args: string[], flags: Pick<BatchFlags, 'inputFormat'>): string[] | undefined {
  const isJson = (a: string) => extname(a).toLowerCase() === '.json';
  if (args.length === 1) return isJson(args[0] as string) && flags.inputFormat === undefined ? args : undefined;
  if (args.includes('-')) throw new UsageError('standard input (-) is one input of rows on its own: it cannot be given with other files');
  if (flags.inputFormat !== undefined) throw new UsageError(`--input-format ${flags.inputFormat} is for one file of rows: several inputs must all be patient JSON files (.json)`);
  const other = args.find((a) => !isJson(a));
  if (other !== undefined) throw new UsageError(`several inputs must all be patient JSON files (.json), one patient each; "${other.slice(0, 80)}" is not: give a CSV, .xlsx, Parquet or NDJSON file alone`);
  return args;
}

/** A patient id seen before, as a warning of its row: in a patient file, or in row `row`'s id cell. */
export function repeatedId(id: string, row: number, first: number, files: string[] | undefined): Problem {
  return files ? { location: files[row - 1] as string, message: `patient id ${excerpt(id, 60)} also in ${files[first - 1]}` } : { location: 'id', message: `${excerpt(id, 60)} is also the id of row ${first}` };
}

/** The input of rows as opened and recognised: its format, delimiter, size, and its rows when read in JS. */
export type RowsInput = {
  opened: OpenedInput;
  inputFormat: InputFormat | 'json';
  delimiter: string | undefined;
  /** A regular file (DuckDB can read it again from its start: not a pipe). */
  regularFile: boolean;
  totalBytes: number | undefined;
  /** The header's unknown columns: stop before any row, or (--ignore-unknown-columns) warn. */
  onHeader: (info: HeaderInfo) => void;
  /** Every row, read and validated in JS (the reference dates of the command line given). */
  rows(dict: Dictionary, dates: ReferenceDates): AsyncIterable<InputItem>;
};

export type InputFlags = Pick<BatchFlags, 'inputFormat' | 'delimiter' | 'sheet' | 'ignoreUnknownColumns'>;

/**
 * Opens what `screen batch` and `screen layout` read: patient JSON files (`files`, from
 * patientFiles), or one file of rows (or standard input) in the format of --input-format, its
 * extension, or (stdin) its first character; flags for another kind of input are refused. (`action`
 * words the header's errors.)
 */
export async function openRowsInput(args: string[], files: string[] | undefined, flags: InputFlags, io: CliIo, action: 'screen' | 'lay out'): Promise<RowsInput> {
  const arg = args[0] as string;
  const opened: OpenedInput = files ? { stream: (async function* () {})(), name: files.length === 1 ? arg : `${files.length} patient files` } : openInput(arg, io);
  const detected = files ? { format: 'json' as const, stream: opened.stream } : await detectFormat(arg, flags.inputFormat, opened.stream);
  const inputFormat = detected.format;
  // A flag for another kind of input is a mistake to say, not to ignore.
  if (flags.delimiter !== undefined && inputFormat !== 'csv') throw new UsageError(`--delimiter is for CSV input (this is ${inputFormat})`);
  let stream = detected.stream;
  let delimiter: string | undefined;
  if (inputFormat === 'xlsx') {
    if (arg === '-') throw new UsageError('an .xlsx workbook cannot be read from standard input: give its file name');
    opened.raw?.destroy();
    const { xlsxAsCsv } = await import('../batch/read-xlsx.js');
    stream = await xlsxAsCsv(resolve(io.cwd, arg), opened.name, flags.sheet);
    delimiter = ',';
  } else if (inputFormat === 'parquet') {
    if (arg === '-') throw new UsageError('a Parquet file cannot be read from standard input: give its file name');
    opened.raw?.destroy();
  } else if (inputFormat === 'csv') {
    const { parseDelimiterFlag, withDetectedDelimiter } = await import('../batch/delimiter.js');
    if (flags.delimiter !== undefined) delimiter = parseDelimiterFlag(flags.delimiter);
    else ({ delimiter, stream } = await withDetectedDelimiter(stream));
  }
  if (flags.sheet !== undefined && inputFormat !== 'xlsx') throw new UsageError('--sheet is for .xlsx workbooks');
  let totalBytes: number | undefined;
  let regularFile = false;
  try {
    const stat = arg === '-' ? undefined : statSync(resolve(io.cwd, arg));
    // Only a regular file is read natively by DuckDB: a pipe (`<(zcat x.csv.gz)`) cannot be read a second time from its start.
    regularFile = stat?.isFile() === true;
    totalBytes = inputFormat === 'xlsx' || inputFormat === 'parquet' || inputFormat === 'json' ? undefined : stat?.size;
  } catch {
    totalBytes = undefined;
  }
  const onHeader = ({ unknown, header }: HeaderInfo) => {
    // (An unnamed column is often the empty one a trailing separator makes: where it is says so.)
    const place = (u: HeaderInfo['unknown'][number]) => `column ${u.column}${u.after === undefined ? '' : `, after ${excerpt(u.after, 40)}`}`;
    const line = (u: HeaderInfo['unknown'][number]) =>
      u.name.trim() === '' ? `${place(u)} has no name${u.column === header.names.length && inputFormat === 'csv' ? ' (a separator at the end of the header line?)' : ''}` : `unknown column ${excerpt(u.name, 80)} (${place(u)})${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}`;
    if (unknown.length && !flags.ignoreUnknownColumns) {
      // Before any row is read on: a misspelt column would silently leave every patient undetermined.
      throw new PatientDataError([
        ...unknown.map((u) => ({ location: `${opened.name} header`, message: u.name.trim() === '' ? line(u) : `${line(u)}: not a data-dictionary path (see: screen template <trial> --format csv --describe)` })),
        { location: `${opened.name} header`, message: `no row was ${action === 'screen' ? 'screened' : 'laid out'}; fix the header, or give --ignore-unknown-columns to ${action} without those columns` },
      ]);
    }
    for (const u of unknown) io.stderr.write(`warning: ${opened.name} header: ${line(u)}, ignored (--ignore-unknown-columns)\n`);
  };
  const rows = async function* (dict: Dictionary, dates: ReferenceDates): AsyncGenerator<InputItem> {
    // csv-parse is loaded only for runs that read rows.
    const { readCsvRows, readNdjsonRows } = await import('../batch/read-rows.js');
    if (files) yield* readPatientFiles(files, dict, io, dates);
    else if (inputFormat === 'ndjson') yield* readNdjsonRows(stream, dict, { referenceDates: dates });
    else if (inputFormat === 'parquet') yield* (await import('../batch/read-parquet.js')).readParquetRows(resolve(io.cwd, arg), dict, opened.name, onHeader, { referenceDates: dates });
    else yield* readCsvRows(stream, dict, opened.name, onHeader, { referenceDates: dates }, delimiter ? { delimiter } : {});
  };
  return { opened, inputFormat, delimiter, regularFile, totalBytes, onHeader, rows };
}

/** `format`: the registry entry --format names (commands/batch.ts looks it up, before any work). */
export async function runBatch(args: string[], flags: BatchFlags, format: BatchFormat, io: CliIo): Promise<number> {
  const { trials, dictionary: dict, trialIds } = await pickTrials(flags.trial ?? [], flags.all, flags.criteriaDir, { some: '--trial', one: '--trial <id>' });
  const dates = flagDates(flags);
  const files = patientFiles(args, flags);
  const arg = args[0] as string;
  for (const input of files ?? [arg]) checkDistinctFiles(input, flags, io);
  const input = await openRowsInput(args, files, flags, io, 'screen');
  const { opened, inputFormat, delimiter, regularFile, totalBytes } = input;
  const bytesRead = () => opened.raw?.bytesRead ?? 0;

  const compiled = trials.map((t) => compileTrial(t, dict));
  const summary = new SummaryCounter();
  for (const t of trials) summary.addTrial(t.meta.id, t.criteria, t.meta);
  // Only CSV has per-criterion columns; ndjson and json rows carry `outcomes` with --wide.
  const wideColumns = flags.wide ? trials.flatMap((t) => t.criteria.map((c) => ({ trial: t.meta.id, criterion: c.id }))) : undefined;
  const writer = (await format.load())(wideColumns ? { wideColumns } : {});

  const onHeader = input.onHeader;
  // Parquet is read by DuckDB, loaded only for it.
  // --engine duckdb over a CSV file: DuckDB reads it (native-batch.ts), unless the file has
  // anything only the JS reader handles, in which case it is read as below.
  const engine = flags.engine ?? 'js';
  const native = engine === 'duckdb' && inputFormat === 'csv' && arg !== '-' && delimiter !== undefined && regularFile ? await (await import('../sql/native-batch.js')).openNativeCsv(resolve(io.cwd, arg), delimiter, dict, trials, { wide: flags.wide === true, niceMainThread: true }) : undefined;
  // The native path hands over its rows in batches (one step per row costs as much as writing it).
  let nativeRows: AsyncIterable<(InputItem | SqlRow)[]> | undefined;
  if (native) {
    opened.raw?.destroy();
    try {
      const { csvRowItem, resolveHeader } = await import('../batch/read-rows.js');
      const info = resolveHeader(native.headerCells.map((c) => c.trim()), dict, opened.name);
      onHeader(info);
      nativeRows = (async function* () {
        for await (const batch of native.rows(info.header, dates, trialIds, opened.name)) yield batch.map((r) => ('cells' in r ? csvRowItem(info.header, r.cells, r.row, dict, { referenceDates: dates }) : r));
      })();
    } catch (e) {
      native.close();
      throw e;
    }
  }
  const rows: AsyncIterable<InputItem | SqlRow | (InputItem | SqlRow)[]> = nativeRows ?? input.rows(dict, dates);

  // The input is read (and the header checked) before the output file is created.
  const iterator = rows[Symbol.asyncIterator]();
  let next: IteratorResult<InputItem | SqlRow | (InputItem | SqlRow)[]>;
  let sink: ReturnType<typeof sinkFor>;
  try {
    next = await iterator.next();
    sink = sinkFor(flags, io);
  } catch (e) {
    // The reader left early closes its files (the --out file could not be made, say); the native
    // path's first range is screened by now: its temporary database goes either way.
    await leave(iterator);
    native?.close();
    throw e;
  }
  // The native path reads the file in DuckDB, not through `opened`: its share is how far into the
  // file the rows handed over to be written reach.
  const progress = progressReporter(io, flags.progress !== false, totalBytes, native ? native.bytesDone : bytesRead);
  let errors = 0;
  // --engine duckdb: valid rows wait in a chunk (error rows too, to keep the input order) and the
  // chunk is screened by one SQL query per trial. Loaded only when asked for.
  let duck: Awaited<ReturnType<typeof import('../sql/duckdb-batch.js').duckDbScreener>> | undefined;
  try {
    duck = engine === 'duckdb' && !native ? await (await import('../sql/duckdb-batch.js')).duckDbScreener(trials, dict, compiled) : undefined;
  } catch (e) {
    await leave(iterator);
    progress.done();
    await sink.close(false);
    throw e;
  }
  type Pending = { item: InputItem; warnings: Problem[]; patientId: string | null; record?: PatientRecord; referenceDates?: ReferenceDates };
  let pending: Pending[] = [];
  // One result per trial, in `trials` order (the JS engine's outcomes, or the SQL query's).
  // (Missing paths renumbered to the row's own records: the reader may have joined two into one.)
  const writeScreened = async (p: { item: InputItem; warnings: Problem[]; patientId: string | null }, results: OutcomeSummary[]) => {
    const origins = p.item.ok ? p.item.parsed.origins : undefined;
    for (const [k, engineResult] of results.entries()) {
      const meta = (trials[k] as Trial).meta;
      const result = inFileNumbering(engineResult, origins);
      summary.screened(meta.id, result);
      await sink.write(writer.row(screenedRow(p.item.row, meta, p.patientId, result, p.warnings, flags.wide === true)));
    }
  };
  // Rows screened in SQL: their output columns come made (native-results.ts).
  const wide = flags.wide === true;
  // Rows alike share a result object: its line is made once but for the row's own cells.
  const templates = new WeakMap<PreparedResult, RowTemplate>();
  const template = writer.template?.bind(writer);
  const writeSql = async (item: SqlRow) => {
    let out = '';
    for (let k = 0; k < item.results.length; k++) {
      const result = item.results[k] as PreparedResult;
      const meta = (trials[k] as Trial).meta;
      summary.screened(meta.id, result);
      if (template) {
        let line = templates.get(result);
        if (!line) templates.set(result, (line = template(preparedRow(0, meta, null, result, [], wide))));
        out += line(item.row, item.patientId, item.warnings);
      } else out += writer.row(preparedRow(item.row, meta, item.patientId, result, item.warnings, wide));
    }
    await sink.write(out);
  };
  const writeError = async (item: Extract<InputItem, { ok: false }>) => {
    for (const t of trials) {
      summary.error(t.meta.id);
      await sink.write(writer.row(errorRow(item.row, item.patientId, t.meta.id, item.problems, t.meta.completeness)));
    }
  };
  const flush = async () => {
    if (!duck) return;
    const ok = pending.filter((p) => p.record);
    const results = await duck.screen(ok.map((p) => ({ record: p.record as PatientRecord, referenceDates: p.referenceDates as ReferenceDates })));
    let n = 0;
    for (const p of pending) {
      if (p.item.ok) await writeScreened(p, results[n++] as OutcomeSummary[]);
      else await writeError(p.item);
    }
    pending = [];
  };
  // Duplicate patient ids: the first row of each id, and a warning per repeat (at most 20 lines).
  const firstRowOf = new IdIndex();
  let duplicates = 0;
  // (Patient files are named by their own names; rows by their numbers.)
  const where = (r: number) => (files ? (files[r - 1] as string) : `row ${r}`);
  // The repeat is also a warning of its row in the output: the results handed on show it.
  const checkId = (id: string | null | undefined, row: number): Problem | undefined => {
    if (!id) return undefined;
    const first = firstRowOf.firstRow(id, row);
    if (first === undefined) return undefined;
    duplicates += 1;
    if (duplicates <= 20) io.stderr.write(`warning: ${files ? '' : `${opened.name} `}${where(row)}: patient id "${id.slice(0, 60)}" also in ${where(first)}\n`);
    return repeatedId(id, row, first, files);
  };
  // One input row: written, or (--engine duckdb over rows JS read) held for its chunk.
  const handle = async (item: InputItem | SqlRow) => {
    if ('results' in item) {
      // Taken, laid out and screened in SQL: valid, its warnings (dates after screening) made there.
      summary.inputRow(false);
      progress.tick();
      const repeat = checkId(item.patientId, item.row);
      await writeSql(repeat ? { ...item, warnings: [...item.warnings, formatProblem(repeat)] } : item);
      return;
    }
    summary.inputRow(!item.ok);
    progress.tick();
    const repeat = checkId(item.ok ? item.parsed.record.id : item.patientId, item.row);
    if (!item.ok) {
      errors += 1;
      if (duck) pending.push({ item, warnings: [], patientId: item.patientId });
      else await writeError(item);
      return;
    }
    const { record } = item.parsed;
    // (A patient file's warnings are located in it, as its other warnings are.)
    const warnings = [...item.parsed.warnings, ...reviewKeyWarnings(record, files ? (files[item.row - 1] as string) : '', trials, trialIds), ...(repeat ? [repeat] : [])];
    const { dates: referenceDates } = resolveReferenceDates(record.referenceDates, dates);
    const patientId = typeof record.id === 'string' ? record.id : null;
    if (duck) {
      pending.push({ item, warnings, patientId, record, referenceDates });
      if (pending.length >= CHUNK_ROWS) await flush();
      return;
    }
    // Outcomes without explanations: batch writes verdicts, ids and missing fields only.
    await writeScreened({ item, warnings, patientId }, compiled.map((t) => screenOutcomes(t, record, referenceDates)));
  };
  /** Every row written: the --out file takes the place of any before it. */
  let complete = false;
  try {
    await sink.write(writer.start());
    for (; !next.done; next = await iterator.next()) {
      const got = next.value;
      if (Array.isArray(got)) for (const item of got) await handle(item);
      else await handle(got);
    }
    await flush();
    await sink.write(writer.end());
    complete = true;
  } finally {
    try {
      // Left early (an output error): the reader closes its files now, not when collected.
      if (!next.done) await leave(iterator);
      duck?.close();
      native?.close();
      progress.done();
    } finally {
      await sink.close(complete);
    }
  }
  if (duplicates > 20) io.stderr.write(`warning: ${opened.name}: ${duplicates} rows repeat a patient id seen earlier (the first 20 are listed above)\n`);
  const result = summary.result();
  io.stderr.write(formatSummaryText(result));
  if (flags.summary) {
    try {
      // Whole or left as it was, as --out (batch-out-file.ts).
      writeOutFile(resolve(io.cwd, flags.summary), flags.summary, `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      if (e instanceof OutputError) throw e;
      throw new OutputError(`cannot write ${flags.summary}: ${errorCode(e)}`, { cause: e });
    }
  }
  return errors > 0 ? EXIT_ROW_ERRORS : 0;
}
