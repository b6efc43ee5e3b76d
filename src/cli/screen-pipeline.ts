// The one screening pipeline behind `screen <patient>` (one trial or several) and the end of the
// questionnaire: validate the patient, warn, resolve reference dates, screen every trial, write the
// report in the chosen format (report-output.ts), and turn the verdicts into the exit code.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import { screenPatient } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { formatProblem } from '../errors.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { overallExit } from '../report/ranking.js';
import { EXIT, type CliIo } from './io.js';
import { parsePatientInput } from './read-patient.js';
import { locationOf, type ParsedPatient } from '../patient/parse.js';
import { inFileNumbering } from '../patient/record-origins.js';
import { writeReport, type ReportFlags } from './report-output.js';
import { runDate } from './generated-at.js';
import { compareDates, toDayNumber } from '../engine/dates.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { Problem } from '../errors.js';

export type PipelineOptions = {
  /** Several trials (--all, or --trial repeated): ranked reports and the overall exit code. */
  ranked: boolean;
  flagDates: ReferenceDates;
  /** Every trial id in the criteria directory (to spot review decisions filed under a wrong trial). */
  trialIds: string[];
  report: ReportFlags;
  /** The clock (tests replace it): today's date, for a screening date after it. */
  now?: () => Date;
};

export async function screenAndReport(
  input: { text: string; name: string; bytes: Uint8Array | string } | { name: string; sha256: string; path: string },
  trials: Trial[],
  dict: Dictionary,
  o: PipelineOptions,
  io: CliIo,
  /** Already read and validated (a row of a file of rows); else the input is parsed here. */
  given?: ParsedPatient,
): Promise<number> {
  // A FHIR Bundle is imported on the fly (the importer is loaded only then).
  const { record, warnings, origins } = given ?? (await parsePatientInput(input as { text: string; name: string }, dict, o.flagDates, io));
  for (const w of [...warnings, ...reviewKeyWarnings(record, input.name, trials, o.trialIds)]) io.stderr.write(`warning: ${formatProblem(w)}\n`);
  const { dates: referenceDates, sources } = resolveReferenceDates(record.referenceDates, o.flagDates);
  // One "today" for the warning and the printed record.
  const today = runDate(o.report.generatedAt, io.env, o.now);
  const ahead = screeningAhead(referenceDates, sources, today, 'path' in input ? `${input.name} referenceDates.screening` : locationOf(input.name, ['referenceDates', 'screening']));
  if (ahead) io.stderr.write(`warning: ${formatProblem(ahead)}\n`);
  // Records named as the file numbers them (the reader may have joined two into one).
  const results = trials.map((trial) => inFileNumbering(screenPatient(trial, dict, record, { referenceDates }), origins));
  await writeReport({ results, sources, input, dictionary: dict, multi: o.ranked, today }, o.report, io);
  // One trial: its verdict; several: whether any trial is open to the patient.
  return o.ranked ? overallExit(results.map((r) => r.verdict)) : EXIT[(results[0] as (typeof results)[0]).verdict];
}

/**
 * A screening date after today (a visit planned, or a year mistyped): the record's values are as
 * entered by today, while ages, windows and durations are reckoned on the screening date, so the
 * report may assume what has not happened yet. Said, with how far ahead; not an error (a
 * pre-screen for next week's visits is ordinary).
 */
export function screeningAhead(dates: ReferenceDates, sources: Partial<Record<keyof ReferenceDates, ReferenceDateSource>>, today: string, inFile: string): Problem | undefined {
  const screening = dates.screening;
  if (screening === undefined || compareDates(screening, today) <= 0) return undefined;
  const days = toDayNumber(screening) - toDayNumber(today);
  const location = sources.screening === 'command line' ? '--as-of' : inFile;
  return {
    location,
    message: `the screening date ${screening} is ${days} day${days === 1 ? '' : 's'} after today (${today}): ages, windows and durations are reckoned on ${screening} from the values recorded so far; screen again on the day if any may change by then`,
  };
}
