// `screen --trial <id> --interactive [patient.json]`: the questionnaire on a terminal. Starts from
// the file if given, saves every answer atomically, and ends with the same report and exit code
// as `screen <saved file> --trial <id>`.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadCriteria } from '../criteria/load-for-cli.js';
import { formatProblem, PatientDataError, UsageError } from '../errors.js';
import { inquirerPrompter, isPromptExit } from '../interactive/inquirer-prompter.js';
import { runQuestionnaire, type PatientData, type Prompter } from '../interactive/questionnaire.js';
import { parsePatientText } from '../patient/parse.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { writeFileAtomic } from './atomic-write.js';
import { fileIdentity } from './batch-out-file.js';
import type { CliIo } from './io.js';
import { readPatientInput } from './read-patient.js';
import { flagDates, type ScreenFlags } from './screen-command.js';
import { checkReportFlags } from './report-output.js';
import { screenAndReport } from './screen-pipeline.js';
import { commandAsInvoked } from './invoked-as.js';
import { localDate, pad } from './generated-at.js';

export type InteractiveFlags = ScreenFlags & { interactive?: boolean; save?: string };

/** Exit code of a session stopped with Ctrl-C or a closed terminal (128 + SIGINT, by convention). */
export const EXIT_INTERRUPTED = 130;

/** What tests replace: the prompts and the clock. */
export type InteractiveDeps = { prompter?: Prompter; now?: Date };


export function defaultSaveName(trialId: string, patientId: string | undefined, now: Date): string {
  const stamp = `${localDate(now).replaceAll('-', '')}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const who = patientId && /^[A-Za-z0-9_-]{1,40}$/.test(patientId) ? `-${patientId}` : '';
  return `screening-${trialId}${who}-${stamp}.json`;
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

export async function runInteractive(patientArg: string | undefined, flags: InteractiveFlags, io: CliIo, deps: InteractiveDeps = {}): Promise<number> {
  const trials = flags.trial ?? [];
  if (trials.length === 0) throw new UsageError('missing --trial <id> (list them with: screen trials)');
  if (trials.length > 1) throw new UsageError('screen one trial at a time: give --trial once');
  const format = checkReportFlags(flags, io);
  if (patientArg === '-') throw new UsageError('--interactive reads answers from the terminal, so the patient cannot come from standard input: give a file name');
  if (!deps.prompter && io.stdin.isTTY !== true) {
    throw new UsageError(`--interactive needs a terminal, but standard input is not one; to screen a patient file instead run: ${commandAsInvoked(io.script, io.env, io.cwd)} <patient.json> --trial ${trials[0]}`);
  }
  const dates = flagDates(flags);
  const loaded = await loadCriteria(flags.criteriaDir, [trials[0] as string]);
  const trial = loaded.trials[0] as NonNullable<(typeof loaded.trials)[0]>;
  const set = { dictionary: loaded.dictionary };

  let data: PatientData = {};
  let inputPath: string | undefined;
  if (patientArg) {
    const input = await readPatientInput(patientArg, io);
    const { warnings, record } = parsePatientText(input.text, input.name, set.dictionary, { referenceDates: dates });
    for (const w of [...warnings, ...reviewKeyWarnings(record, input.name, [trial], loaded.trialIds)]) io.stderr.write(`warning: ${formatProblem(w)}\n`);
    data = JSON.parse(input.text) as PatientData;
    inputPath = resolve(io.cwd, patientArg);
  }

  const now = deps.now ?? new Date();
  /** The report's --out, which never replaces the patient file or the answers. */
  const outId = flags.out === undefined ? undefined : fileIdentity(resolve(io.cwd, flags.out));
  let savePath: string;
  if (flags.save !== undefined) {
    if (flags.save.trim() === '') throw new UsageError('--save needs a file name');
    savePath = resolve(io.cwd, flags.save);
    // The answers are rewritten after every one, whole (atomic-write.ts): only a regular file can be.
    if (existsSync(savePath) && !statSync(savePath).isFile()) throw new UsageError(`--save ${flags.save}: not a regular file; the answers are saved to a file, rewritten after every answer`);
    if (existsSync(savePath) && !(inputPath && samePath(savePath, inputPath))) {
      throw new UsageError(`--save ${flags.save}: the file exists; to continue it, give it as the patient file too (${commandAsInvoked(io.script, io.env, io.cwd)} --trial ${trial.meta.id} --interactive ${flags.save} --save ${flags.save}), or choose a new name`);
    }
  } else {
    const base = defaultSaveName(trial.meta.id, typeof data.id === 'string' ? data.id : undefined, now);
    savePath = join(io.cwd, base);
    // (A name --out takes for the report is not the answers' either.)
    for (let n = 2; existsSync(savePath) || fileIdentity(savePath) === outId; n++) savePath = join(io.cwd, base.replace(/\.json$/, `-${n}.json`));
  }
  // The report's --out never replaces the patient file or the answers, checked before any question.
  if (outId !== undefined) {
    if (inputPath && outId === fileIdentity(inputPath)) throw new UsageError(`--out ${flags.out} is the same file as the patient file ${patientArg}: writing it would destroy the input; choose another file`);
    if (outId === fileIdentity(savePath)) throw new UsageError(`--out ${flags.out} is the same file as the answers (--save ${flags.save}): the report would replace them; choose another file`);
  }
  const shown = relative(io.cwd, savePath);
  const display = shown.startsWith('..') || isAbsolute(shown) ? savePath : shown;
  let saved = '';
  const save = (d: PatientData) => {
    try {
      saved = `${JSON.stringify(d, null, 2)}\n`;
      writeFileAtomic(savePath, saved);
    } catch (e) {
      throw new PatientDataError([{ location: display, message: `cannot save the answers (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }], { cause: e });
    }
  };
  // With any format but text (json, or a printable record redirected to a file) the questions go
  // to stderr, so stdout carries only the report.
  const talk = format.name === 'text' ? io.stdout : io.stderr;
  const say = (text: string) => talk.write(`${text}\n`);
  const resume = `${commandAsInvoked(io.script, io.env, io.cwd)} --trial ${trial.meta.id} --interactive ${display} --save ${display}`;

  save(data);
  say(`Answers are saved to ${display} after every answer. Every question can be answered "unknown"; Ctrl-C stops, and this resumes: ${resume}`);

  const prompter = deps.prompter ?? (await inquirerPrompter({ input: io.stdin, output: talk as unknown as NodeJS.WritableStream }));
  try {
    const outcome = await runQuestionnaire({ trial, dict: set.dictionary, data, file: display, flagDates: dates, today: localDate(now), prompter, say, save });
    say(`\n${outcome.asked} question${outcome.asked === 1 ? '' : 's'} asked${outcome.ending === 'stopped-ineligible' ? ' (stopped once the patient was ineligible)' : ''}; saved to ${display}.\n`);
  } catch (e) {
    if (!isPromptExit(e)) throw e;
    io.stderr.write(`\nscreen: stopped; every answer given so far is saved in ${display}. Resume with: ${resume}\n`);
    return EXIT_INTERRUPTED;
  }
  // The report of what was just saved, from memory: the same text the file now holds.
  return screenAndReport({ text: saved, name: savePath, bytes: saved }, [trial], set.dictionary, { ranked: false, flagDates: dates, trialIds: loaded.trialIds, report: flags, now: () => now }, io);
}
