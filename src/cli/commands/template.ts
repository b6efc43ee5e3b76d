// `screen template <trial...>`: what a site must collect for a trial (or several), as a CSV header for batch
// screening or as an empty patient JSON file (null placeholders with a "#key" description beside each).
import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';

export type TemplateFlags = { format: 'csv' | 'json'; all?: boolean; describe?: boolean; records: string; doses: string; criteriaDir?: string };

export function templateCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('template')
    .description('print what a trial needs: a CSV header for "screen batch", or an empty patient JSON file')
    .argument('[trials...]', 'trial id, e.g. IM101-611; several: what any of them needs, for one file screened against all')
    .option('--all', 'every trial in the criteria directory')
    .addOption(new Option('-f, --format <format>', 'csv: header row; json: patient skeleton').choices(['csv', 'json']).default('csv'))
    .option('--describe', 'CSV: instead of the header, one row per column with its type, unit, allowed values and meaning')
    .option('--records <n>', 'CSV: numbered columns for this many records of each repeating field (medications.1 ...)', '3')
    .option('--doses <n>', 'CSV: numbered dose columns per medication', '2')
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one')
    .action(async (trialIds: string[], flags: TemplateFlags) => {
      const { runTemplate } = await import('../template-run.js');
      setExit(await runTemplate(trialIds, flags, io));
    });
}
