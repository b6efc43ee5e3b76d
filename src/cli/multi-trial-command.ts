// `screen <patient> --all` or with --trial repeated: screens one patient against several trials
// and ranks them. The exit code says whether any trial is open to the patient (see overallExit).
import { loadCriteria } from '../criteria/load-for-cli.js';
import type { CliIo } from './io.js';
import { flagDates, screenInput, type ScreenFlags } from './screen-command.js';
import { UsageError } from '../errors.js';
import { checkReportFlags } from './report-output.js';
import { screenAndReport } from './screen-pipeline.js';

export type MultiScreenFlags = ScreenFlags & { all?: boolean };

/** True when the flags ask for more than one trial. */
export function wantsMultiTrial(flags: MultiScreenFlags): boolean {
  return flags.all === true || (flags.trial?.length ?? 0) > 1;
}

export async function runMultiScreen(patientArg: string | undefined, flags: MultiScreenFlags, io: CliIo): Promise<number> {
  if (!patientArg) throw new UsageError('missing patient file: screen <patient.json|-> --all (see screen --help)');
  if (flags.all && flags.trial?.length) throw new UsageError('give either --all or --trial, not both');
  checkReportFlags(flags, io);
  const dates = flagDates(flags);

  const loaded = await loadCriteria(flags.criteriaDir, flags.all ? 'all' : (flags.trial ?? []));
  // The same trial named twice (in any letter case) is screened once.
  const trials = loaded.trials.filter((t, i, all) => all.findIndex((u) => u.file === t.file) === i);
  if (trials.length === 0) throw new UsageError(`no trial criteria found in ${loaded.dir}`);
  const { input, parsed } = await screenInput(patientArg, flags, loaded.dictionary, dates, io);
  return screenAndReport(input, trials, loaded.dictionary, { ranked: true, flagDates: dates, trialIds: loaded.trialIds, report: flags }, io, parsed);
}
