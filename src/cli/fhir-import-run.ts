// The work of `screen import fhir`, loaded only when it runs: read the bundle, import it through the
// dictionary's bindings, check the result is a valid patient file, print it.
import { loadCriteria } from '../criteria/load-for-cli.js';
import { formatProblem } from '../errors.js';
import { parsePatientData, parsePatientJson } from '../patient/parse.js';
import type { ImportFlags } from './commands/import.js';
import { importWithSummary } from './fhir-input.js';
import type { CliIo } from './io.js';
import { MAX_BUNDLE_BYTES, readPatientInput } from './read-patient.js';
import { flagDates } from './screen-command.js';

export async function runFhirImport(bundleArg: string, flags: ImportFlags, io: CliIo): Promise<number> {
  const dates = flagDates({ ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}) });
  const loaded = await loadCriteria(flags.criteriaDir, []);
  const input = await readPatientInput(bundleArg, io, MAX_BUNDLE_BYTES);
  // The one JSON reader: located syntax errors, duplicate keys, depth and reserved keys refused.
  const data = parsePatientJson(input.text, input.name);
  const { patient } = importWithSummary(data, input.name, loaded.dictionary, dates.screening, io);
  // What we print must be a valid patient file: check it exactly as `screen` will.
  const { warnings } = parsePatientData(patient, `${input.name} (imported)`, loaded.dictionary, { pruned: true, referenceDates: dates });
  for (const w of warnings) io.stderr.write(`warning: ${formatProblem(w)}\n`);
  io.stdout.write(`${JSON.stringify(patient, null, 2)}\n`);
  return 0;
}
