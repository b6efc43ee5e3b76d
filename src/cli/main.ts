// Command-line wiring: commander parses, commands run, and every known error becomes one line
// on stderr with exit code 2. Never calls process.exit: the exit code is returned.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { suggest } from '../util/did-you-mean.js';
import { formatProblem, isScreenError, UsageError } from '../errors.js';
import { toolInfo } from '../version.js';
import { EXIT, onlyOnce, type CliIo } from './io.js';
import { runScreen } from './screen-command.js';
import { defaultFormat, formatHelp, formatNames } from '../report/formats.js';
import { SUBCOMMAND_NAMES, SUBCOMMANDS } from './commands/index.js';
import { withInputOptions } from './commands/batch.js';
import { runMultiScreen, wantsMultiTrial, type MultiScreenFlags } from './multi-trial-command.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  eligible (every criterion passes); with --all or several --trial: eligible for at least one trial
  1  ineligible (an inclusion criterion is not met or an exclusion applies); with several trials: for all of them
  3  undetermined (data missing or a review item open; nothing fails); with several trials: none eligible, some undetermined
  2  usage or input error (bad flags, unreadable or invalid patient or criteria file)
  4  screen batch: some rows could not be screened (verdict "error" in the output)
  74 the output could not be written in full (disk full, closed pipe, unwritable --out): results are incomplete
  70 internal error (a bug: please report it)

Examples:
  screen examples/im101-611-eligible.json --trial IM101-611
  screen patient.json --trial IM101-611 --randomization 2026-12-01 --format json
  screen patient.json --trial IM101-611 --format html > checklist.html   (print and sign)
  screen patient.json --trial IM101-611 --format pdf --out record.pdf --screener "J. Smith"
  cat patient.json | screen - --trial IM101-611
  screen patient.json --all                      (every trial, ranked)
  screen patient.json -t IM101-611 -t NCT04946669
  screen --trial IM101-611 --interactive                 (questionnaire; see docs/interactive.md)
  screen --trial IM101-611 --interactive saved.json --save saved.json   (resume)
  screen import fhir bundle.json > patient.json  (prefill from an EHR's FHIR R4 export; see docs/fhir.md)
  screen bundle.json --trial IM101-611           (a FHIR Bundle is imported and screened)`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Subcommands are only built when the command line could name one (or asks for help): a plain
 * `screen patient.json --trial X` never dispatches to a subcommand, so it need not build them.
 */
function mayUseSubcommand(argv: readonly string[] | undefined): boolean {
  if (argv === undefined) return true;
  // Any word could be the subcommand's name (`screen --format json trials`): building them when
  // not needed only costs time, while not building them when needed would misread the command.
  return argv.length === 0 || argv.some((a) => a === '-h' || a === '--help' || a === 'help' || SUBCOMMAND_NAMES.includes(a));
}

export function buildProgram(io: CliIo, setExit: (code: number) => void, argv?: readonly string[]): Command {
  const output = {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (str: string) => void) => write(s.startsWith('error:') ? `screen: ${s}` : s),
  };
  const program = new Command();
  program
    .name('screen')
    .description('Check a patient against a clinical trial\'s eligibility criteria, criterion by criterion.')
    .version(toolInfo().version, '-V, --version')
    .argument('[patient]', 'patient JSON file, or - for standard input; or with --row, a CSV, .xlsx, Parquet or NDJSON file')
    .option('-t, --trial <id>', 'trial id, e.g. IM101-611 (see: screen trials); repeat it to screen several trials', collect)
    .option('--all', 'screen against every available trial and rank them')
    .addOption(new Option('-f, --format <format>', formatHelp('report')).choices(formatNames('report')).default(defaultFormat('report')))
    .option('--as-of <date>', 'screening date (YYYY-MM-DD); overrides referenceDates.screening', onlyOnce('--as-of'))
    .option('--consent <date>', 'informed consent date; overrides referenceDates.consent', onlyOnce('--consent'))
    .option('--randomization <date>', 'randomization date; overrides referenceDates.randomization', onlyOnce('--randomization'))
    .option('--criteria-dir <dir>', 'use criteria files from this directory instead of the built-in ones')
    .option('--generated-at <time>', 'generation time in json/html/md/pdf reports, and its date the "today" a later screening date is warned against (YYYY-MM-DD[THH:MM:SSZ]); default SOURCE_DATE_EPOCH, else now')
    .option('--screener <name>', 'who screened the patient, printed on the html/md/pdf record')
    .option('-o, --out <file>', 'write the report to this file (pdf: needed when standard output is a terminal)')
    .option('--brief', 'text report with only the criteria that fail or are open')
    .addOption(new Option('--explain', 'text report with the evidence tree under each criterion (the deciding parts)').conflicts('brief'))
    .addOption(new Option('--full', 'every part of each rule: text evidence trees, html/md/pdf an evidence appendix').conflicts('brief'))
    .option('--row <n>', 'screen row n of a CSV, .xlsx, Parquet or NDJSON file (as screen batch numbers its rows; with its --input-format, --delimiter, --sheet, --ignore-unknown-columns)', onlyOnce('--row'))
    .option('-i, --interactive', 'ask for the data the trial still needs, question by question (needs a terminal)')
    .option('--save <file>', 'with --interactive: file the answers are saved to (default: a new file in the current directory)')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also NO_COLOR=1 or a non-terminal output)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    // Subcommands have their own --format; options after a subcommand name belong to it.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output)
    .action(async (patient: string | undefined, flags: MultiScreenFlags & { interactive?: boolean; save?: string }) => {
      const rowOption = ROW_OPTIONS.find((k) => program.getOptionValueSource(k) === 'cli');
      if (flags.interactive && rowOption) throw new UsageError(`--interactive reads a patient file: give it without --${rowOption.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      if (flags.interactive) {
        if (wantsMultiTrial(flags)) throw new UsageError('--interactive screens one trial: give --trial once, without --all');
        // Loaded only here: prompts are not needed to screen a file.
        const { runInteractive } = await import('./interactive-mode.js');
        setExit(await runInteractive(patient, flags, io));
        return;
      }
      if (flags.save !== undefined) throw new UsageError('--save is used with --interactive');
      setExit(await (wantsMultiTrial(flags) ? runMultiScreen : runScreen)(patient, flags, io));
    });
  // With --row: how to read the file of rows, as screen batch reads it.
  withInputOptions(program, 'screen');
  for (const register of mayUseSubcommand(argv) ? SUBCOMMANDS : []) {
    const sub = register(io, setExit);
    for (const c of [sub, ...sub.commands]) c.exitOverride().configureOutput(output);
    // `screen --criteria-dir x show T`: an option the root command took before the subcommand's
    // name belongs to the subcommand when it has that option too (and must fit its choices).
    sub.hook('preAction', (_root, action) => {
      // A row's options given before a command that has no such option would be silently
      // ignored (`screen --row 1 batch x.csv` screens every row): refused.
      for (const key of ROW_OPTIONS) {
        if (program.getOptionValueSource(key) === 'cli' && !action.options.some((o) => o.attributeName() === key)) {
          throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is not an option of "screen ${action.name()}"`);
        }
      }
      for (const option of action.options) {
        const key = option.attributeName();
        if (action.getOptionValueSource(key) === 'cli' || program.getOptionValueSource(key) !== 'cli') continue;
        const value = program.getOptionValue(key) as unknown;
        if (option.argChoices && !option.argChoices.includes(String(value))) {
          throw new UsageError(`${option.long ?? key} for "${action.name()}" must be one of ${option.argChoices.join(', ')}, got "${String(value).slice(0, 20)}"`);
        }
        action.setOptionValueWithSource(key, value, 'cli');
      }
    });
    program.addCommand(sub);
  }
  return program;
}

/** The root command's options for reading one row of a file of rows (screen x.csv --row 7). */
const ROW_OPTIONS = ['row', 'inputFormat', 'delimiter', 'sheet', 'ignoreUnknownColumns'] as const;

/**
 * What the first word could have meant, before commander reads it as a patient file:
 * `screen help batch` is `screen batch --help`, `-v` is `--version`, and a misspelt subcommand
 * that is not a file (`screen bach x.csv`) gets a did-you-mean instead of "too many arguments".
 */
function rewriteFirstWord(argv: string[], io: CliIo): string[] | UsageError {
  const [first, ...rest] = argv;
  if (first === '-v' && rest.length === 0) return ['--version'];
  if (first === 'help') {
    if (rest.length === 0) return ['--help'];
    const [name = ''] = rest;
    if (SUBCOMMAND_NAMES.includes(name)) return [name, '--help'];
    const hint = suggest(name, SUBCOMMAND_NAMES);
    return new UsageError(`no help for "${name.slice(0, 40)}": not a command${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${SUBCOMMAND_NAMES.join(', ')}`);
  }
  if (first && !first.startsWith('-') && !SUBCOMMAND_NAMES.includes(first) && !/[./\\]/.test(first) && !existsSync(resolve(io.cwd, first))) {
    const hint = suggest(first, SUBCOMMAND_NAMES);
    if (hint) return new UsageError(`unknown command "${first.slice(0, 40)}" (did you mean "${hint}"?); commands: ${SUBCOMMAND_NAMES.join(', ')}`);
  }
  return argv;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.usage;
  const rewritten = rewriteFirstWord(argv, io);
  if (rewritten instanceof UsageError) {
    io.stderr.write(`screen: ${rewritten.message}\n`);
    return EXIT.usage;
  }
  argv = rewritten;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    argv,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; parse errors were already printed on one line.
      return e.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (isScreenError(e)) {
      for (const p of e.problems) io.stderr.write(`screen: ${formatProblem(p)}\n`);
      return (e as { outputFailed?: boolean }).outputFailed === true ? EXIT.output : EXIT.usage;
    }
    const err = e as Error;
    io.stderr.write(`screen: internal error (this is a bug; please report it with the command you ran): ${err?.message ?? String(e)}\n${err?.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
