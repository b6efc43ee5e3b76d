// `screen layout`: the patients of a batch input laid out as the load files of the SQL layout
// (docs/sql.md), for `screen sql`'s queries in DuckDB or PostgreSQL. This file only declares the
// command; the work is in ../layout-run.ts, loaded on use.
import { Command, Option } from 'commander';
import { DIALECTS, type DialectName } from '../../sql/dialect.js';
import { onlyOnce, type CliIo } from '../io.js';
import { withDateOptions, withInputOptions } from './batch.js';
import type { InputFormat } from '../../batch/read-rows.js';

const HELP = `
Reads patients as "screen batch" does (patient JSON files, CSV, .xlsx, Parquet or NDJSON; see
"screen batch --help") and validates each row the same way. Writes into --out-dir (a new or empty
directory; it appears whole at the end, or not at all):
  patients.csv, medications.csv, …   one file per table of the layout, no header row
  load.sql                           creates the tables and loads the files (--dialect)
  problems.csv                       every row refused (not laid out) and every warning
Then load it and run a trial's query (docs/sql.md), with DuckDB's or PostgreSQL's own command-line
tool (installed separately: "screen batch --engine duckdb" screens a file without it):
  duckdb screen.db < DIR/load.sql && screen sql --trial IM101-611 | duckdb screen.db
  psql mydb -f DIR/load.sql && screen sql --trial IM101-611 --dialect postgres | PGOPTIONS='-c jit=off' psql mydb --csv
load.sql names the files as --out-dir was given: run it from the same directory (or give an
absolute --out-dir). It is one transaction: into a database that has the tables already, it loads
nothing (load each layout into a new database). (PostgreSQL's JIT only slows these queries.)

Exit codes:
  0  every row was laid out
  4  the files were written, but some rows were refused (in problems.csv, not laid out)
  2  usage or input error (bad flags, unreadable input, unusable header, --out-dir not empty)
  74 the files could not be written (disk full, no permission): nothing is left in --out-dir

Examples:
  screen layout clinic.csv --out-dir layout
  screen layout clinic.xlsx --out-dir /data/layout --dialect postgres --as-of 2026-11-16`;

export type LayoutCommandFlags = {
  outDir?: string;
  dialect: DialectName;
  inputFormat?: InputFormat;
  delimiter?: string;
  sheet?: string;
  ignoreUnknownColumns?: boolean;
  asOf?: string;
  consent?: string;
  randomization?: string;
  criteriaDir?: string;
};

export function layoutCommand(io: CliIo, setExit: (code: number) => void): Command {
  const command = new Command('layout')
    .description('write the patients of a CSV, .xlsx, Parquet or NDJSON file (or patient JSON files) as load files of the SQL table layout, with a load script')
    .argument('<patients...>', 'patients.csv, patients.xlsx, patients.parquet, patients.ndjson, or - for standard input; or patient JSON files')
    .option('-o, --out-dir <dir>', 'the directory to write (new, or empty)', onlyOnce('--out-dir'))
    .addOption(new Option('-d, --dialect <dialect>', 'the SQL of load.sql').choices([...DIALECTS]).default('duckdb'));
  return withDateOptions(withInputOptions(command, 'lay out'))
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one')
    .addHelpText('after', HELP)
    .action(async (patients: string[], flags: LayoutCommandFlags) => {
      const { UsageError } = await import('../../errors.js');
      if (flags.outDir === undefined) throw new UsageError('missing --out-dir <dir> (the directory to write the load files into)');
      const { runLayout } = await import('../layout-run.js');
      setExit(await runLayout(patients, { ...flags, outDir: flags.outDir }, io));
    });
}
