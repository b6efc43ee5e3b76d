// `screen <patient> --trial <id>`: read, validate, evaluate, format. Returns the exit code.
import { loadCriteria } from '../criteria/load-for-cli.js';
import { inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import { screenPatient } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import type { ReferenceDates } from '../engine/result.js';
import { formatProblem, UsageError } from '../errors.js';
import { parsePatientText } from '../patient/parse.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { formatJson } from '../report/json.js';
import { formatText } from '../report/text.js';
import { toolInfo } from '../version.js';
import { resolveGeneratedAt } from './generated-at.js';
import { EXIT, useColor, type CliIo } from './io.js';
import { readPatientInput } from './read-patient.js';

export type ScreenFlags = {
  trial?: string[];
  format?: string;
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
  brief?: boolean;
  explain?: boolean;
  full?: boolean;
  color?: boolean;
  generatedAt?: string;
};

export const FORMATS = ['text', 'json', 'html', 'md'] as const;

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
  const { record, warnings } = parsePatientText(input.text, input.name, loaded.dictionary, dates.screening ? { screening: dates.screening } : {});
  for (const w of [...warnings, ...reviewKeyWarnings(record, input.name, [trial], loaded.trialIds)]) io.stderr.write(`warning: ${formatProblem(w)}\n`);

  const { dates: referenceDates, sources } = resolveReferenceDates(record.referenceDates, dates);
  const result = screenPatient(trial, loaded.dictionary, record, { referenceDates });
  if (format === 'json') io.stdout.write(formatJson(result, { tool: toolInfo(), referenceDateSources: sources }));
  else if ((format === 'html' || format === 'md') && generatedAt) {
    // Printable formats are loaded on use: most runs print text or JSON.
    const printable = format === 'html' ? (await import('../report/html.js')).formatHtml : (await import('../report/markdown.js')).formatMarkdown;
    io.stdout.write(printable([result], { tool: toolInfo(), generatedAt, referenceDateSources: [sources], full: flags.full ?? false }));
  } else io.stdout.write(formatText(result, { color: useColor(io, flags.color), brief: flags.brief ?? false, explain: flags.explain ?? false, full: flags.full ?? false, referenceDateSources: sources, dictionary: loaded.dictionary }));
  return EXIT[result.verdict];
}
