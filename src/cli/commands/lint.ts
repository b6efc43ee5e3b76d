// `screen lint [files...]`: checks criteria files for the person who writes them, reporting every
// finding (not only the first) with severity, rule and file:line:column. Exit 0 clean, 1 errors.
import { existsSync, readdirSync } from 'node:fs';
import { MAX_CRITERIA_BYTES, readTextBounded } from '../../util/read-bounded.js';
import { basename, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { LintFile, LintResult } from '../../criteria/lint.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE } from '../../criteria/trial-lookup.js';
import { packageRoot } from '../../package-root.js';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../io.js';

type LintFlags = { format: string; criteriaDir?: string };

function readText(path: string, shown: string): LintFile {
  const text = readTextBounded(path, MAX_CRITERIA_BYTES, (message) =>
    new UsageError(`${shown}: ${message === 'is a directory' ? 'is a directory; give criteria files, or no files to lint the criteria directory' : message.replace(/^cannot read: (.*)$/, 'cannot read ($1)')}`),
  );
  return { file: shown, text };
}

export function formatLintText(result: LintResult): string {
  const lines = result.findings.map((f) => `${f.location}  ${f.severity}  ${f.rule}  ${f.message}`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')} in ${plural(result.fileCount, 'file')}`);
  return `${lines.join('\n')}\n`;
}

export function lintCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command('lint')
    .description('check criteria files: schema, references to the data dictionary, impossible or always-true rules, unused definitions')
    .argument('[files...]', 'criteria files (default: every file in the criteria directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--criteria-dir <dir>', 'criteria directory: linted when no files are given, and the source of fields.yaml and definitions.yaml otherwise')
    .addHelpText('after', '\nExit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error.\nA fields.yaml or definitions.yaml among the files replaces the criteria directory\'s.')
    .action(async (files: string[], flags: LintFlags) => {
      // Loaded on use, so that plain screening does not pay for the YAML and schema code at start-up.
      const { lintCriteria } = await import('../../criteria/lint.js');
      const dir = flags.criteriaDir ? resolve(io.cwd, flags.criteriaDir) : join(packageRoot(), 'criteria');
      const shownDir = flags.criteriaDir ?? 'criteria';
      const wholeDir = files.length === 0;
      let listed: string[];
      if (wholeDir) {
        try {
          listed = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort().map((n) => join(shownDir, n));
        } catch (e) {
          throw new UsageError(`${shownDir}: cannot read the criteria directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      } else listed = files;
      const absolute = (shown: string) => (wholeDir ? join(dir, basename(shown)) : resolve(io.cwd, shown));
      const given = listed.map((shown) => ({ shown, name: basename(shown) }));
      const pick = (name: string) => given.find((g) => g.name === name);
      const dictGiven = pick(DICTIONARY_FILE);
      const defsGiven = pick(DEFINITIONS_FILE);
      const dictionary = dictGiven ? readText(absolute(dictGiven.shown), dictGiven.shown) : readText(join(dir, DICTIONARY_FILE), join(shownDir, DICTIONARY_FILE));
      const defsPath = join(dir, DEFINITIONS_FILE);
      const definitions = defsGiven ? readText(absolute(defsGiven.shown), defsGiven.shown) : existsSync(defsPath) ? readText(defsPath, join(shownDir, DEFINITIONS_FILE)) : undefined;
      const trials = given.filter((g) => g !== dictGiven && g !== defsGiven).map((g) => readText(absolute(g.shown), g.shown));
      const result = lintCriteria({ dictionary, definitions, trials, checkSharedUsage: wholeDir });
      // Files not named on the command line (the dictionary used for reference) are not counted.
      if (!wholeDir) result.fileCount = listed.length;
      if (flags.format === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout.write(formatLintText(result));
      setExit(result.errorCount > 0 ? 1 : 0);
    });
}
