// `screen <patient> --trial <id>`: read, validate, evaluate, format. Returns the exit code.
import { loadCriteria } from '../criteria/load-for-cli.js';
import { inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';
import { readPatientInput } from './read-patient.js';
import { checkReportFlags, type ReportFlags } from './report-output.js';
import { screenAndReport } from './screen-pipeline.js';
import { extname } from 'node:path';
import type { InputFormat } from '../batch/read-rows.js';
import { formatOfExtension } from '../batch/input-formats.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ParsedPatient } from '../patient/parse.js';

export type ScreenFlags = ReportFlags & {
  trial?: string[];
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
  /** A row of a file of rows (CSV, .xlsx, Parquet, NDJSON), read as screen batch reads it. */
  row?: string;
  inputFormat?: InputFormat;
  delimiter?: string;
  sheet?: string;
  ignoreUnknownColumns?: boolean;
};


/**
 * The patient to screen: a patient file (or standard input), or with --row one row of a file of
 * rows, read and validated as screen batch reads it (its reader loaded only then).
 */
export async function screenInput(patientArg: string, flags: ScreenFlags, dict: Dictionary, dates: ReferenceDates, io: CliIo): Promise<{ input: Parameters<typeof screenAndReport>[0]; parsed?: ParsedPatient }> {
  if (flags.row === undefined) {
    const given = (['inputFormat', 'delimiter', 'sheet', 'ignoreUnknownColumns'] as const).find((k) => flags[k] !== undefined);
    if (given) throw new UsageError(`--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for a file of rows, read one row at a time with --row N`);
    if (patientArg !== '-' && flags.inputFormat === undefined && formatOfExtension(extname(patientArg)) !== undefined) {
      throw new UsageError(`${patientArg.slice(0, 80)} is a file of rows: screen one of them with --row N (N as screen batch numbers the rows), or all of them with: screen batch ${patientArg.slice(0, 80)}`);
    }
    return { input: await readPatientInput(patientArg, io) };
  }
  const { readRow, rowNumber } = await import('./row-input.js');
  return readRow(patientArg, rowNumber(flags.row), flags, dict, dates, io);
}

export function flagDates(flags: ScreenFlags): ReferenceDates {
  const dates: ReferenceDates = {};
  for (const [key, flag] of [['screening', 'asOf'], ['consent', 'consent'], ['randomization', 'randomization']] as const) {
    const v = flags[flag];
    if (v === undefined) continue;
    const name = `--${flag === 'asOf' ? 'as-of' : flag}`;
    if (!isValidIsoDate(v)) throw new UsageError(`${name} needs a real date written YYYY-MM-DD, got "${v.slice(0, 20)}"`);
    if (!inDateRange(v)) throw new UsageError(`${name} must be a date in the years ${MIN_YEAR}–${MAX_YEAR}, got "${v}"`);
    dates[key] = v;
  }
  return dates;
}

export async function runScreen(patientArg: string | undefined, flags: ScreenFlags, io: CliIo): Promise<number> {
  if (!patientArg) throw new UsageError('missing patient file: screen <patient.json|-> --trial <id> (see screen --help)');
  const trials = flags.trial ?? [];
  if (trials.length === 0) throw new UsageError('missing --trial <id> (list them with: screen trials)');
  if (trials.length > 1) throw new UsageError('screen one trial at a time: give --trial once');
  checkReportFlags(flags, io);
  const dates = flagDates(flags);

  const loaded = await loadCriteria(flags.criteriaDir, trials);
  const trial = loaded.trials[0];
  if (!trial) throw new UsageError(`unknown trial "${trials[0]}"`);
  const { input, parsed } = await screenInput(patientArg, flags, loaded.dictionary, dates, io);
  return screenAndReport(input, [trial], loaded.dictionary, { ranked: false, flagDates: dates, trialIds: loaded.trialIds, report: flags }, io, parsed);
}
