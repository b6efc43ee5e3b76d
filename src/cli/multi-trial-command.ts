// `screen <patient> --all` or with --trial repeated: screens one patient against several trials
// and ranks them. The exit code says whether any trial is open to the patient (see overallExit).
import { loadCriteria } from '../criteria/load-for-cli.js';
import { screenPatient } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { formatProblem, UsageError } from '../errors.js';
import { parsePatientText } from '../patient/parse.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { formatMultiJson, formatMultiText } from '../report/multi-trial.js';
import { overallExit } from '../report/ranking.js';
import { toolInfo } from '../version.js';
import { useColor, type CliIo } from './io.js';
import { resolveGeneratedAt } from './generated-at.js';
import { readPatientInput } from './read-patient.js';
import { FORMATS, flagDates, type ScreenFlags } from './screen-command.js';

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

  const loaded = await loadCriteria(flags.criteriaDir, flags.all ? 'all' : (flags.trial ?? []));
  // The same trial named twice (in any letter case) is screened once.
  const trials = loaded.trials.filter((t, i, all) => all.findIndex((u) => u.file === t.file) === i);
  if (trials.length === 0) throw new UsageError(`no trial criteria found in ${loaded.dir}`);
  const input = await readPatientInput(patientArg, io);
  const { record, warnings } = parsePatientText(input.text, input.name, loaded.dictionary, dates.screening ? { screening: dates.screening } : {});
  for (const w of [...warnings, ...reviewKeyWarnings(record, input.name, trials, loaded.trialIds)]) io.stderr.write(`warning: ${formatProblem(w)}\n`);

  const { dates: referenceDates, sources } = resolveReferenceDates(record.referenceDates, dates);
  const results = trials.map((trial) => screenPatient(trial, loaded.dictionary, record, { referenceDates }));
  if (format === 'json') io.stdout.write(formatMultiJson(results, { tool: toolInfo(), referenceDateSources: sources }));
  else if (format === 'html' || format === 'md') {
    // One printable record per trial (each on its own page in HTML).
    const generatedAt = resolveGeneratedAt(flags.generatedAt, io.env);
    const printable = format === 'html' ? (await import('../report/html.js')).formatHtml : (await import('../report/markdown.js')).formatMarkdown;
    io.stdout.write(printable(results, { tool: toolInfo(), generatedAt, referenceDateSources: results.map(() => sources), full: flags.full ?? false }));
  } else io.stdout.write(formatMultiText(results, { color: useColor(io, flags.color), brief: flags.brief ?? false, explain: flags.explain ?? false, full: flags.full ?? false, referenceDateSources: sources, dictionary: loaded.dictionary }));
  return overallExit(results.map((r) => r.verdict));
}
