// `screen <patient> --all` or with --trial repeated: screens one patient against several trials
// and ranks them. The exit code says whether any trial is open to the patient (see overallExit).
import { loadCriteria } from '../criteria/load-for-cli.js';
import { screenPatient } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { formatProblem, UsageError } from '../errors.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { overallExit } from '../report/ranking.js';
import type { CliIo } from './io.js';
import { parsePatientInput, readPatientInput } from './read-patient.js';
import { checkReportFlags, writeReport } from './report-output.js';
import { flagDates, type ScreenFlags } from './screen-command.js';

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
  const input = await readPatientInput(patientArg, io);
  const { record, warnings } = await parsePatientInput(input, loaded.dictionary, dates, io);
  for (const w of [...warnings, ...reviewKeyWarnings(record, input.name, trials, loaded.trialIds)]) io.stderr.write(`warning: ${formatProblem(w)}\n`);

  const { dates: referenceDates, sources } = resolveReferenceDates(record.referenceDates, dates);
  const results = trials.map((trial) => screenPatient(trial, loaded.dictionary, record, { referenceDates }));
  await writeReport({ results, sources, input, dictionary: loaded.dictionary, multi: true }, flags, io);
  return overallExit(results.map((r) => r.verdict));
}
