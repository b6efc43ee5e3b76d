// `screen sql --trial X [--dialect duckdb|postgres]`: print the trial's criteria as one SQL query
// over the normalised table layout (docs/sql.md), or with --schema the CREATE TABLE statements.
import { Command, Option } from 'commander';
import { onlyOnce, type CliIo } from '../io.js';
import { DIALECTS, type DialectName } from '../../sql/dialect.js';

export function sqlCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('sql')
    .description("print a trial's criteria as one SQL query (per patient: each outcome, the verdict, failed/unknown/review ids)")
    .option('-t, --trial <id>', 'trial id (see: screen trials); one query per run', onlyOnce('--trial'))
    .addOption(new Option('-d, --dialect <dialect>', 'SQL dialect').choices([...DIALECTS]).default('duckdb'))
    .option('--schema', 'print the CREATE TABLE statements of the layout the query reads instead')
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one', onlyOnce('--criteria-dir'))
    .addHelpText('after', '\nThe layout, how to load it (COPY) and how to run the query: docs/sql.md.\n\nExamples:\n  screen sql --trial IM101-611 > im101.sql\n  screen sql --schema --dialect postgres | psql mydb')
    .action(async (flags: { trial?: string; dialect: DialectName; schema?: boolean; criteriaDir?: string }) => {
      const { UsageError } = await import('../../errors.js');
      const { loadTrial, openCriteriaDir } = await import('../../criteria/criteria-dir.js');
      const { dialectNamed } = await import('../../sql/dialect.js');
      const set = openCriteriaDir(flags.criteriaDir);
      const dialect = dialectNamed(flags.dialect);
      if (flags.schema) {
        if (flags.trial) throw new UsageError('--schema prints the layout every trial\'s query reads: give it without --trial');
        const { createTablesSql } = await import('../../sql/layout.js');
        io.stdout.write(`${createTablesSql(set.dictionary, dialect)}\n`);
      } else {
        if (!flags.trial) throw new UsageError('missing --trial <id> (list trials with: screen trials), or --schema');
        const { compileTrial } = await import('../../sql/query.js');
        io.stdout.write(`${compileTrial(loadTrial(set, flags.trial), set.dictionary, dialect).sql};\n`);
      }
      setExit(0);
    });
}
