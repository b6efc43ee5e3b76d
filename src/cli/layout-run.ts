// The work of `screen layout`, loaded only when it runs (see commands/layout.ts): reads patients as
// `screen batch` does (patient files, CSV, .xlsx, Parquet, NDJSON), validates each row the same
// way, and writes the normalised layout of docs/sql.md as load files (one CSV per table, no
// header), with load.sql creating the tables and loading them (DuckDB or PostgreSQL), and
// problems.csv accounting for every row refused and every warning. The directory appears whole at
// the end, or not at all.
import { once } from 'node:events';
import { createWriteStream, linkSync, lstatSync, mkdtempSync, readdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { IdIndex } from '../batch/id-index.js';
import type { InputItem } from '../batch/read-rows.js';
import { loadCriteria } from '../criteria/load-for-cli.js';
import { anyListCompleteSince, getPath, type PatientRecord } from '../engine/patient-record.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { formatProblem, OutputError, UsageError, type Problem } from '../errors.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { csvLine } from '../report/csv-cell.js';
import { dialectNamed, type DialectName } from '../sql/dialect.js';
import { createTablesSql, layoutTables, quoteIdent, recordRows, rowsToCsv, type TableRows } from '../sql/layout.js';
import { onStop } from '../util/on-stop.js';
import { errorCode } from './batch-out-file.js';
import { openRowsInput, patientFiles, repeatedId, type InputFlags } from './batch-run.js';
import { EXIT_ROW_ERRORS } from './commands/batch.js';
import type { CliIo } from './io.js';
import { flagDates } from './screen-command.js';

export type LayoutFlags = InputFlags & {
  outDir: string;
  dialect: DialectName;
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
};

/** Patients laid out between two writes of the load files. */
const FLUSH_ROWS = 10_000;
/** Refused rows named on stderr (all of them are in problems.csv). */
const SHOWN = 20;
export const PROBLEMS_FILE = 'problems.csv';
export const LOAD_FILE = 'load.sql';

/**
 * The directory to fill, new or empty: whether it exists. A name load.sql cannot hold is refused:
 * a control character (it would end a line of the script), and for DuckDB a glob character (its
 * COPY reads every file a pattern matches: "run[1]/patients.csv" loads run1's).
 */
function checkOutDir(target: string, given: string, dialect: DialectName): boolean {
  // (As given: load.sql names the files by it.)
  if (given === '') throw new UsageError('--out-dir is empty: give a directory');
  if (/\p{Cc}/u.test(given)) throw new UsageError(`--out-dir ${JSON.stringify(given)} holds a control character: load.sql could not name its files; choose another name`);
  if (given.startsWith('~')) throw new UsageError(`--out-dir ${given}: DuckDB and psql read a leading ~ as the home directory (load.sql would load other files); give ./${given} or an absolute path`);
  if (dialect === 'duckdb' && /[*?[\]{}]/.test(given)) throw new UsageError(`--out-dir ${given}: DuckDB reads * ? [ ] { } in a file name as a pattern (load.sql would load other files); choose a name without them`);
  let stat;
  try {
    stat = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UsageError(`--out-dir ${given}: cannot be read (${errorCode(e)})`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--out-dir ${given} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}: give a new directory (or an empty one)`);
  if (readdirSync(target).length) throw new UsageError(`--out-dir ${given} is not empty: give a new directory (or an empty one); nothing in it is replaced`);
  return true;
}

/** A path as a POSIX shell word (for the commands printed). */
const shellWord = (path: string) => (/^[\w./+-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`);

/** A path inside single quotes, as both DuckDB and psql read it. */
const quoted = (path: string) => `'${path.replaceAll("'", "''")}'`;

/**
 * load.sql: the tables created, then each loaded from its file (named as `dir` was given, so the
 * script runs from where screen layout ran; an absolute --out-dir gives absolute paths).
 */
export function loadScript(tables: { name: string }[], createSql: string, dir: string, dialect: DialectName): string {
  const file = (name: string) => quoted(join(dir, `${name}.csv`));
  // One transaction, stopped by the first error: run twice, or into a database that has the
  // tables, it loads nothing (appended rows would join one layout's records to another's
  // patients by row_no); a file missing (run from another directory) loads nothing either.
  const copies =
    dialect === 'postgres'
      ? // psql's \copy (read by psql, not by the server) takes the whole line; an unquoted empty cell is NULL.
        ['\\set ON_ERROR_STOP on', 'BEGIN;', createSql, '', ...tables.map((t) => `\\copy ${quoteIdent(t.name)} FROM ${file(t.name)} WITH (FORMAT csv)`), 'COMMIT;', 'ANALYZE;']
      : // The duckdb CLI goes on after an error, and a table that exists already is not an error
        // that aborts a transaction there: the check fails it first. Every COPY setting is given:
        // DuckDB's sniffer failed on an empty file (a clinic with no procedures).
        [
          'BEGIN TRANSACTION;',
          `SELECT CASE WHEN count(*) > 0 THEN error('tables or views with the layout''s names exist in this database already: load into a new database (nothing was loaded)') END AS check_before_loading FROM information_schema.tables WHERE table_name IN (${tables.map((t) => quoted(t.name)).join(', ')});`,
          createSql,
          '',
          ...tables.map((t) => `COPY ${quoteIdent(t.name)} FROM ${file(t.name)} (FORMAT csv, AUTO_DETECT false, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULL '', ALLOW_QUOTED_NULLS false);`),
          'COMMIT;',
        ];
  return [`-- trial-screen layout (${dialect}): the tables of docs/sql.md, created and loaded in one transaction. Run from the directory screen layout ran in:`, `--   ${runCommand(dir, dialect)}`, ...copies, ''].join('\n');
}

function runCommand(dir: string, dialect: DialectName): string {
  const script = shellWord(join(dir, LOAD_FILE));
  return dialect === 'postgres' ? `psql mydb -f ${script}` : `duckdb screen.db < ${script}`;
}

export async function runLayout(args: string[], flags: LayoutFlags, io: CliIo): Promise<number> {
  // Every trial: reviews recorded for a trial the criteria do not know are warned about.
  const { dictionary: dict, trials, trialIds } = await loadCriteria(flags.criteriaDir, 'all');
  const dates = flagDates(flags);
  const dialect = dialectNamed(flags.dialect);
  const files = patientFiles(args, flags);
  const target = resolve(io.cwd, flags.outDir);
  const exists = checkOutDir(target, flags.outDir, flags.dialect);
  const input = await openRowsInput(args, files, flags, io, 'lay out');
  const tables = layoutTables(dict);

  // Written into a temporary directory and moved into place at the end: whole or not there. A new
  // directory is the temporary one renamed; an empty one given (a mount point, the current
  // directory) is filled from a temporary directory inside it. It holds patients' data, so it
  // goes on an error or a signal.
  let temp: string;
  try {
    temp = mkdtempSync(exists ? join(target, '.partial-') : join(dirname(target), `.${basename(target)}-partial-`));
  } catch (e) {
    throw new OutputError(`cannot write --out-dir ${flags.outDir}: ${errorCode(e)}`, { cause: e });
  }
  const removeTemp = () => rmSync(temp, { recursive: true, force: true });
  const stopListening = onStop(removeTemp);
  const outs = new Map<string, WriteStream>();
  const failures: unknown[] = [];
  const open = (name: string) => {
    const s = createWriteStream(join(temp, name), { mode: 0o600 });
    s.on('error', (e) => failures.push(e));
    return s;
  };
  const failed = (e: unknown) => new OutputError(`cannot write --out-dir ${flags.outDir}: ${errorCode(e)}; nothing was written there`, { cause: e });
  const write = async (s: WriteStream, text: string) => {
    if (failures.length) throw failed(failures[0]);
    // (events.once removes its listeners either way.)
    if (!s.write(text)) await once(s, 'drain').catch((e: unknown) => Promise.reject(failed(e)));
  };
  let done = false;
  try {
    for (const t of tables) outs.set(t.name, open(`${t.name}.csv`));
    const problems = open(PROBLEMS_FILE);
    outs.set(PROBLEMS_FILE, problems);
    await write(problems, csvLine(['row', 'patient_id', 'severity', 'problem']));
    const counts = new Map(tables.map((t) => [t.name, 0]));
    let pending: TableRows = new Map();
    const flush = async () => {
      for (const [name, rows] of pending) {
        counts.set(name, (counts.get(name) ?? 0) + rows.length);
        await write(outs.get(name) as WriteStream, rowsToCsv(rows));
      }
      pending = new Map();
    };
    let rows = 0;
    let laidOut = 0;
    let refused = 0;
    let warned = 0;
    const firstRowOf = new IdIndex();
    // (Worded as screen batch words it in a row's warnings.)
    const repeated = (id: string, row: number, first: number): Problem => repeatedId(id, row, first, files);
    const where = (row: number) => (files ? (files[row - 1] as string) : `${input.opened.name} row ${row}`);
    const note = async (row: number, patientId: string | null, severity: 'error' | 'warning', list: Problem[]) => {
      for (const p of list) await write(problems, csvLine([row, patientId, severity, formatProblem(p)]));
    };
    for await (const item of input.rows(dict, dates) as AsyncIterable<InputItem>) {
      rows += 1;
      if (!item.ok) {
        refused += 1;
        // (A patient file's problems are located in it already.)
        if (refused <= SHOWN) io.stderr.write(`${files ? '' : `${where(item.row)}: `}not laid out: ${item.problems.map(formatProblem).join('; ')}\n`);
        await note(item.row, item.patientId, 'error', item.problems);
        const first = item.patientId ? firstRowOf.firstRow(item.patientId, item.row) : undefined;
        if (first !== undefined) await note(item.row, item.patientId, 'warning', [repeated(item.patientId as string, item.row, first)]);
        continue;
      }
      const record: PatientRecord = item.parsed.record;
      const patientId = typeof record.id === 'string' ? record.id : null;
      const warnings = [...item.parsed.warnings, ...reviewKeyWarnings(record, files ? (files[item.row - 1] as string) : '', trials, trialIds)];
      // A list complete only since a date has no place in the layout (docs/sql.md): it is laid
      // out as known in part, which decides less than screen batch does.
      if (anyListCompleteSince(record)) {
        // (Only lists recorded: one not recorded is NULL in the layout, as in the JS engine.)
        const since = Object.entries(record.completeness ?? {}).filter(([list, c]) => typeof c?.since === 'string' && Array.isArray(getPath(record, list)));
        for (const [list, c] of since) warnings.push({ location: files ? (files[item.row - 1] as string) : '', message: `${list} is complete only since ${c?.since}: laid out as known in part (FALSE), so SQL may leave open what screen batch decides` });
      }
      const first = patientId ? firstRowOf.firstRow(patientId, item.row) : undefined;
      if (first !== undefined) warnings.push(repeated(patientId as string, item.row, first));
      if (warnings.length) {
        warned += 1;
        await note(item.row, patientId, 'warning', warnings);
      }
      recordRows(dict, tables, record, item.row, resolveReferenceDates(record.referenceDates, dates).dates, pending);
      laidOut += 1;
      if (laidOut % FLUSH_ROWS === 0) await flush();
    }
    await flush();
    const load = open(LOAD_FILE);
    outs.set(LOAD_FILE, load);
    await write(load, loadScript(tables, createTablesSql(dict, dialect), flags.outDir, flags.dialect));
    await Promise.all([...outs.values()].map((s) => new Promise<void>((ok, fail) => s.end((e?: Error | null) => (e ? fail(failed(e)) : ok())))));
    if (failures.length) throw failed(failures[0]);
    try {
      if (exists) {
        // Into the directory given, which must still hold nothing but the temporary one: each file
        // linked (never over a file another run put there) and load.sql last.
        const others = readdirSync(target).filter((n) => n !== basename(temp));
        if (others.length) throw Object.assign(new Error('written meanwhile'), { code: `another run wrote ${others[0]} into it meanwhile` });
        const names = readdirSync(temp).sort((a, b) => Number(a === LOAD_FILE) - Number(b === LOAD_FILE));
        for (const name of names) linkSync(join(temp, name), join(target, name));
        rmSync(temp, { recursive: true, force: true });
      } else renameSync(temp, target);
    } catch (e) {
      throw failed(e);
    }
    done = true;
    const n = (x: number) => x.toLocaleString('en-US');
    const per = tables.map((t) => `${t.name} ${n(counts.get(t.name) ?? 0)}`).join(', ');
    io.stderr.write(`laid out ${n(laidOut)} of ${n(rows)} row${rows === 1 ? '' : 's'} into ${flags.outDir} (${per})\n`);
    if (refused > SHOWN) io.stderr.write(`${n(refused)} rows not laid out (the first ${SHOWN} are named above)\n`);
    if (refused || warned) io.stderr.write(`${refused ? `${n(refused)} row${refused === 1 ? '' : 's'} refused` : ''}${refused && warned ? ', ' : ''}${warned ? `${n(warned)} with warnings` : ''}: every one in ${join(flags.outDir, PROBLEMS_FILE)}\n`);
    io.stderr.write(`load it: ${runCommand(flags.outDir, flags.dialect)}; then run a trial's query: screen sql --trial <id>${flags.dialect === 'postgres' ? ' --dialect postgres' : ''} (docs/sql.md)\n`);
    return refused ? EXIT_ROW_ERRORS : 0;
  } finally {
    if (!done) {
      for (const s of outs.values()) s.destroy();
      removeTemp();
    }
    stopListening();
  }
}
