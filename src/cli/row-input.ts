// `screen clinic.csv --row 7 --trial X`: one row of a file of rows (CSV, .xlsx, Parquet, NDJSON),
// read and validated exactly as `screen batch` reads it, screened with the full report (--explain,
// the printed record). Loaded only for such a file: it brings the batch readers.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDates } from '../engine/result.js';
import { PatientDataError, UsageError } from '../errors.js';
import type { ParsedPatient } from '../patient/parse.js';
import { openRowsInput, type InputFlags } from './batch-run.js';
import type { CliIo } from './io.js';

/** A --row value: a row number as screen batch numbers them (from 1, the header not counted). */
export function rowNumber(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value.trim())) throw new UsageError(`--row needs a row number (1 is the first row after the header), got "${value.slice(0, 20)}"`);
  return Number(value.trim());
}

/**
 * Row `row` of the file, parsed; an invalid row is an input error naming it with the messages
 * screen batch gives. The report names it "row 7 of clinic.csv" with the whole file's SHA-256.
 */
export async function readRow(arg: string, row: number, flags: InputFlags, dict: Dictionary, dates: ReferenceDates, io: CliIo): Promise<{ input: { name: string; sha256: string; path: string }; parsed: ParsedPatient }> {
  if (arg === '-') throw new UsageError('--row reads a file of rows by its name, not standard input');
  const input = await openRowsInput([arg], undefined, flags, io, 'screen');
  const rows = input.rows(dict, dates)[Symbol.asyncIterator]();
  let last = 0;
  let found;
  try {
    for (let r = await rows.next(); !r.done; r = await rows.next()) {
      last = r.value.row;
      if (r.value.row === row) {
        found = r.value;
        break;
      }
    }
  } finally {
    await rows.return?.(undefined);
  }
  if (!found) throw new PatientDataError([{ location: arg, message: `there is no row ${row}: the file has ${last} row${last === 1 ? '' : 's'} after its header` }]);
  if (!found.ok) throw new PatientDataError(found.problems.map((p) => ({ location: `${arg} row ${row}${p.location ? ` ${p.location}` : ''}`, message: p.message })));
  return { input: { name: `row ${row} of ${arg}`, sha256: await fileSha256(resolve(io.cwd, arg)), path: arg }, parsed: found.parsed };
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
