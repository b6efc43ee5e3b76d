// `screen show <trial>`: the trial's criteria as a readable checklist, for coordinators and for
// reviewing an encoding against the protocol.
import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';

export function showCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('show')
    .description("show a trial's criteria as a checklist: id, protocol text and what the tool checks")
    .argument('<trial>', 'trial id, e.g. IM101-611 (see: screen trials)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'md', 'html']).default('text'))
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one')
    .action(async (id: string, flags: { format: string; criteriaDir?: string }) => {
      // Loaded on use, so that plain screening does not pay for them at start-up.
      const { loadTrial, openCriteriaDir } = await import('../../criteria/criteria-dir.js');
      const { formatShowHtml, formatShowMarkdown, formatShowText } = await import('../../report/show.js');
      const set = openCriteriaDir(flags.criteriaDir);
      const trial = loadTrial(set, id);
      const format = flags.format === 'html' ? formatShowHtml : flags.format === 'md' ? formatShowMarkdown : formatShowText;
      io.stdout.write(format(trial, set.dictionary));
      setExit(0);
    });
}
