// `screen trials`: which trials this installation can screen for.
import { Command, Option } from 'commander';
import { loadCriteria } from '../../criteria/load-for-cli.js';
import type { CliIo } from '../io.js';

export function trialsCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('trials')
    .description('list the trials whose criteria are available')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--criteria-dir <dir>', 'criteria directory instead of the built-in one')
    .action(async (flags: { format: string; criteriaDir?: string }) => {
      const loaded = await loadCriteria(flags.criteriaDir, 'all');
      const trials = loaded.trials.map((t) => ({
        id: t.meta.id,
        nct: t.meta.nct,
        title: t.meta.title,
        phase: t.meta.phase,
        sponsor: t.meta.sponsor,
        criteriaVersion: t.meta.criteriaVersion,
        criteria: t.criteria.length,
        completeness: t.meta.completeness,
        ...(t.meta.completenessNote ? { completenessNote: t.meta.completenessNote } : {}),
        sha256: t.sha256,
      }));
      if (flags.format === 'json') io.stdout.write(`${JSON.stringify(trials, null, 2)}\n`);
      else {
        for (const t of trials) {
          io.stdout.write(`${t.id}  ${t.nct}  ${t.phase}  criteria ${t.criteriaVersion}  ${t.criteria} criteria  ${t.completeness}\n    ${t.title}\n${t.completeness === 'partial' ? `    partial: ${t.completenessNote ?? 'check the full protocol'}\n` : ''}`);
        }
      }
      setExit(0);
    });
}
