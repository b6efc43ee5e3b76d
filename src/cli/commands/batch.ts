// `screen batch`: screens every row of a CSV or NDJSON file against one or more trials in one
// streaming pass, writes one output row per input row per trial, and ends with a screen-failure
// summary. This file only declares the command; the work is in ../batch-run.ts, loaded on use.
import { Command, Option } from 'commander';
import type { InputFormat } from '../../batch/read-rows.js';
import { defaultFormat, formatByName, formatHelp, formatNames, outExtensionWarning } from '../../report/formats.js';
import { onlyOnce, type CliIo } from '../io.js';

/** Exit code when the batch ran to the end but some rows could not be screened (verdict error). */
export const EXIT_ROW_ERRORS = 4;

export type BatchFlags = {
  trial?: string[];
  all?: boolean;
  out?: string;
  /** A batch format's name in the registry (src/report/formats.ts); commander checks it. */
  format: string;
  inputFormat?: InputFormat;
  summary?: string;
  wide?: boolean;
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
  progress?: boolean;
  delimiter?: string;
  sheet?: string;
  ignoreUnknownColumns?: boolean;
  engine?: 'js' | 'duckdb';
};

const HELP = `
Input: patient JSON files (a.json b.json …: one patient each, one row each, numbered in the order
given), CSV (one patient per row, column names are data-dictionary paths; get a header with
"screen template <trial> --format csv", for several trials "screen template A B" or "--all"; comma, semicolon, tab or | separated, told apart from the
header line, or --delimiter), an .xlsx workbook (the first sheet, or --sheet NAME), a Parquet file
(columns named like the CSV header), or NDJSON (one patient JSON object per line). A column that
is not a data-dictionary path stops the batch before any row is screened (--ignore-unknown-columns
screens anyway). Codes or their labels are accepted for lists of choices ("dm" or "Dermatomyositis").
A number such as 1,500 is refused: it may be 1500 or 1.5. See docs/batch.md.

Exit codes:
  0  every row was screened (whatever the verdicts)
  4  the batch finished, but some rows could not be screened (verdict "error" in the output)
  2  usage or input error (bad flags, unreadable file of rows, unusable header, --out or --summary
     naming the input or each other; a binary, non-UTF-8 or NUL-containing input stops the run where
     it is found; a patient JSON file that cannot be read is an error row instead: exit 4)
  74 the output could not be written in full (disk full, closed pipe): the results are incomplete

An --out file is whole or not there: a run stopped by an input error, an --out write error or a
signal leaves the file that was there before, or none. Some targets are written as the rows come
(a device or pipe such as /dev/stdout, another user's file, a hard-linked file; see docs/batch.md).

Examples:
  screen batch clinic.csv --trial IM101-611 --out results.csv --summary attrition.json
  screen batch patients.ndjson --all --format ndjson
  screen batch export.xlsx --sheet Patients --trial NCT02971683
  screen batch saved/*.json --trial IM101-611          (patient files, one row each)
  cat clinic.csv | screen batch - --trial IM101-611 --as-of 2026-11-16`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The options telling how to read a file of rows (batch and layout read them alike). */
export function withInputOptions(command: Command, action: 'screen' | 'lay out'): Command {
  return command
    .addOption(new Option('--input-format <format>', 'input format (default: from the file extension, or by looking at standard input)').choices(['csv', 'ndjson', 'xlsx', 'parquet']))
    .option('--delimiter <char>', 'CSV delimiter: , ; tab | (default: detected from the header line)')
    .option('--sheet <name>', 'the worksheet of an .xlsx workbook (default: the first)')
    .option('--ignore-unknown-columns', `${action} even though some columns are not data-dictionary paths (they are ignored)`);
}

/** The reference dates given for every row. */
export function withDateOptions(command: Command): Command {
  return command
    .option('--as-of <date>', 'screening date (YYYY-MM-DD) for every row; overrides referenceDates.screening', onlyOnce('--as-of'))
    .option('--consent <date>', 'informed consent date for every row; overrides referenceDates.consent', onlyOnce('--consent'))
    .option('--randomization <date>', 'randomization date for every row; overrides referenceDates.randomization', onlyOnce('--randomization'));
}

export function batchCommand(io: CliIo, setExit: (code: number) => void): Command {
  const command = new Command('batch')
    .description('screen every patient in a CSV, .xlsx, Parquet or NDJSON file, or in patient JSON files, one output row per patient per trial')
    .argument('<patients...>', 'patients.csv, patients.xlsx, patients.parquet, patients.ndjson, or - for standard input; or patient JSON files (one patient each, as screen reads them)')
    .option('-t, --trial <id>', 'trial id (repeat for several trials)', collect)
    .option('--all', 'screen against every trial in the criteria directory')
    .option('-o, --out <file>', 'write results to this file instead of standard output')
    .addOption(new Option('-f, --format <format>', formatHelp('batch')).choices(formatNames('batch')).default(defaultFormat('batch')));
  return withDateOptions(
    withInputOptions(command, 'screen')
      .option('--summary <file>', 'also write the screen-failure summary as JSON to this file')
      .option('--wide', 'add one column per criterion with its outcome'),
  )
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one')
    .addOption(new Option('--engine <engine>', 'screening engine: js, or duckdb (the criteria as SQL, run embedded; see docs/sql.md)').choices(['js', 'duckdb']).default('js'))
    .option('--no-progress', 'no progress line on stderr (it is shown only when stderr is a terminal)')
    .addHelpText('after', HELP)
    .action(async (patients: string[], flags: BatchFlags) => {
      const format = formatByName('batch', flags.format);
      const hint = flags.out === undefined ? undefined : outExtensionWarning(flags.out, format);
      if (hint) io.stderr.write(`warning: ${hint}\n`);
      const { runBatch } = await import('../batch-run.js');
      setExit(await runBatch(patients, flags, format, io));
    });
}
