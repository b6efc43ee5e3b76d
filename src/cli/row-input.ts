// `screen clinic.csv --row 7 --trial X`: one row of a file of rows (CSV, .xlsx, Parquet, NDJSON),
// read and validated exactly as `screen batch` reads it, screened with the full report (--explain,
// the printed record). Loaded only for such a file: it brings the batch readers.
import { createHash } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDates } from '../engine/result.js';
import { PatientDataError, UsageError } from '../errors.js';
import type { ParsedPatient } from '../patient/parse.js';
import { openRowsInput, type InputFlags } from './batch-run.js';
import type { CliIo } from './io.js';

/** A --row value: a row number as screen batch numbers them (from 1). */
export function rowNumber(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value.trim())) throw new UsageError(`--row needs a row number as screen batch numbers the rows (from 1), got "${value.slice(0, 20)}"`);
  return Number(value.trim());
}

/**
 * Row `row` of the file, parsed; an invalid row is an input error naming it with the messages
 * screen batch gives. The report names it "clinic.csv, row 7" with the file's SHA-256: a regular
 * file, hashed after the row is read, and refused if it changed in between (the record an
 * investigator signs names the bytes it was read from).
 */
export async function readRow(arg: string, row: number, flags: InputFlags, dict: Dictionary, dates: ReferenceDates, io: CliIo): Promise<{ input: { name: string; sha256: string; path: string }; parsed: ParsedPatient }> {
  if (arg === '-') throw new UsageError('--row reads a file of rows by its name, not standard input');
  if (flags.inputFormat === undefined && extname(arg).toLowerCase() === '.json') throw new UsageError(`${arg.slice(0, 80)} is a patient file (one patient): screen it without --row`);
  const path = resolve(io.cwd, arg);
  const before = regularFile(path, arg);
  const input = await openRowsInput([arg], undefined, flags, io, 'screen');
  const rows = input.rows(dict, dates)[Symbol.asyncIterator]();
  let last = 0;
  let found;
  try {
    for (let r = await rows.next(); !r.done; r = await rows.next()) {
      // (Rows are numbered as batch numbers them: a blank line or an NDJSON line has its number.)
      if (r.value.row > row) break;
      last = r.value.row;
      if (r.value.row === row) {
        found = r.value;
        break;
      }
    }
  } finally {
    await rows.return?.(undefined);
    input.opened.raw?.destroy();
  }
  if (!found) throw new PatientDataError([{ location: arg, message: last >= row || last === 0 ? `row ${row} holds no patient (screen batch numbers no row ${row}: a blank line, or lines read as part of the row before)` : `there is no row ${row}: the last row is row ${last}` }]);
  // (A location that only says "row" or "line" adds nothing to "clinic.csv row 7".)
  if (!found.ok) throw new PatientDataError(found.problems.map((p) => ({ location: `${arg} row ${row}${p.location && p.location !== 'row' && p.location !== 'line' ? ` ${p.location}` : ''}`, message: p.message })));
  const sha256 = await fileSha256(path, arg);
  const after = regularFile(path, arg);
  if (after.ino !== before.ino || after.dev !== before.dev || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new PatientDataError([{ location: arg, message: 'the file changed while it was read: screen the row again' }]);
  }
  return { input: { name: `${arg}, row ${row}`, sha256, path: arg }, parsed: found.parsed };
}

/** The file's identity, if it is a regular file (a pipe cannot be read twice: for its rows and for its SHA-256). */
function regularFile(path: string, arg: string): Stats {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  }
  if (stat.isDirectory()) throw new PatientDataError([{ location: arg, message: 'is a directory, not a file of rows' }]);
  if (!stat.isFile()) throw new UsageError(`--row reads a regular file (${arg.slice(0, 80)} is a pipe or a device): save the rows to a file first, or screen them all with screen batch`);
  return stat;
}

async function fileSha256(path: string, arg: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (e) {
    throw new PatientDataError([{ location: arg, message: `cannot read it again for its SHA-256 (${(e as NodeJS.ErrnoException).code ?? 'error'}): screen the row again` }], { cause: e });
  }
  return hash.digest('hex');
}
