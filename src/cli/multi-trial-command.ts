// `screen <patient> --all` or with --trial repeated: screens one patient against several trials
// and ranks them. The exit code says whether any trial is open to the patient (see overallExit).
import { loadCriteria } from '../criteria/load-for-cli.js';
import { UsageError } from '../errors.js';
import type { FormatName } from '../report/formatters.js';
import type { CliIo } from './io.js';
import { resolveGeneratedAt } from './generated-at.js';
import { readPatientInput } from './read-patient.js';
import { FORMATS, flagDates, type ScreenFlags } from './screen-command.js';
import { screenAndReport } from './screen-pipeline.js';

export type MultiScreenFlags = ScreenFlags & { all?: boolean };

/** True when the flags ask for more than one trial. */
export function wantsMultiTrial(flags: MultiScreenFlags): boolean {
  return flags.all === true || (flags.trial?.length ?? 0) > 1;
}

export async function runMultiScreen(patientArg: string | undefined, flags: MultiScreenFlags, io: CliIo): Promise<number> {
  if (!patientArg) throw new UsageError('missing patient file: screen <patient.json|-> --all (see screen --help)');
  if (flags.all && flags.trial?.length) throw new UsageError('give either --all or --trial, not both');
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format.slice(0, 20)}"`);
  const dates = flagDates(flags);
  const generatedAt = format === 'html' || format === 'md' ? resolveGeneratedAt(flags.generatedAt, io.env) : undefined;

  const loaded = await loadCriteria(flags.criteriaDir, flags.all ? 'all' : (flags.trial ?? []));
  // The same trial named twice (in any letter case) is screened once.
  const trials = loaded.trials.filter((t, i, all) => all.findIndex((u) => u.file === t.file) === i);
  if (trials.length === 0) throw new UsageError(`no trial criteria found in ${loaded.dir}`);
  const input = await readPatientInput(patientArg, io);
  return screenAndReport(input, trials, loaded.dictionary, { format: format as FormatName, ranked: true, flagDates: dates, color: flags.color, brief: flags.brief, full: flags.full, generatedAt, trialIds: loaded.trialIds }, io);
}
