// `screen <patient> --trial <id>`: check the flags, load the trial, read the patient, then the
// shared pipeline (screen-pipeline.ts) validates, screens and formats. Returns the exit code.
import { loadCriteria } from '../criteria/load-for-cli.js';
import { inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { UsageError } from '../errors.js';
import { FORMAT_NAMES, type FormatName } from '../report/formatters.js';
import { resolveGeneratedAt } from './generated-at.js';
import type { CliIo } from './io.js';
import { readPatientInput } from './read-patient.js';
import { screenAndReport } from './screen-pipeline.js';

export type ScreenFlags = {
  trial?: string[];
  format?: string;
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
  brief?: boolean;
  full?: boolean;
  color?: boolean;
  generatedAt?: string;
};

export const FORMATS = FORMAT_NAMES;

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
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format.slice(0, 20)}"`);
  const dates = flagDates(flags);
  const generatedAt = format === 'html' || format === 'md' ? resolveGeneratedAt(flags.generatedAt, io.env) : undefined;

  const loaded = await loadCriteria(flags.criteriaDir, trials);
  const trial = loaded.trials[0];
  if (!trial) throw new UsageError(`unknown trial "${trials[0]}"`);
  const input = await readPatientInput(patientArg, io);
  return screenAndReport(input, [trial], loaded.dictionary, { format: format as FormatName, ranked: false, flagDates: dates, color: flags.color, brief: flags.brief, full: flags.full, generatedAt, trialIds: loaded.trialIds }, io);
}
