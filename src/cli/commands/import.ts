// `screen import fhir <bundle.json>`: turns what an EHR exports into a patient file on stdout, with
// a short summary of what could not be used on stderr. The work is in ../fhir-import-run.ts.
import { Command } from 'commander';
import type { CliIo } from '../io.js';

export type ImportFlags = { asOf?: string; criteriaDir?: string };

const HELP = `
Reads a FHIR R4 Bundle (a patient-access export, a Bulk FHIR patient, a Synthea bundle) and writes
a patient file to standard output, filled through the terminology codes in criteria/fields.yaml.
Imported lists (medications, procedures, malignancies) are marked as not known to be complete:
criteria that depend on something being absent stay unknown until a person confirms the list
(set "completeness.<list>.complete" to true). Every imported value names its source in "provenance".
See docs/fhir.md.

Exit codes: 0 imported (notes on stderr), 2 unreadable or invalid bundle.

Examples:
  screen import fhir bundle.json --as-of 2026-11-16 > patient.json
  screen bundle.json --trial IM101-611          (imports and screens in one step)`;

export function importCommand(io: CliIo, setExit: (code: number) => void): Command {
  const cmd = new Command('import').description('turn an EHR export into a patient file (see: screen import fhir --help)');
  cmd
    .command('fhir')
    .description('FHIR R4 Bundle -> patient file on standard output; what could not be used goes to stderr')
    .argument('<bundle>', 'FHIR R4 Bundle JSON file, or - for standard input')
    .option('--as-of <date>', 'screening date (YYYY-MM-DD): later records are not used, and it is written as referenceDates.screening')
    .option('--criteria-dir <dir>', 'criteria directory whose fields.yaml holds the bindings (default: the built-in one)')
    .addHelpText('after', HELP)
    .action(async (bundle: string, flags: ImportFlags) => {
      const { runFhirImport } = await import('../fhir-import-run.js');
      setExit(await runFhirImport(bundle, flags, io));
    });
  return cmd;
}
