// `screen <patient> --trial <id>`: read, validate, evaluate, format. Returns the exit code.
import { loadCriteria } from '../criteria/load-for-cli.js';
import { inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';
import { readPatientInput } from './read-patient.js';
import { checkReportFlags, type ReportFlags } from './report-output.js';
import { screenAndReport } from './screen-pipeline.js';

export type ScreenFlags = ReportFlags & {
  trial?: string[];
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
};

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
  const input = await readPatientInput(patientArg, io);
  return screenAndReport(input, [trial], loaded.dictionary, { ranked: false, flagDates: dates, trialIds: loaded.trialIds, report: flags }, io);
}
