// A FHIR R4 Bundle given where a patient file is expected: imported into a patient file, the
// import summary written to stderr. Loaded only for bundles, and only the importer: the caller
// validates the imported patient with the patient parser the start-up bundle already holds
// (read-patient.ts; a copy of it and of zod here took about a fifth of a bundle's screening time).
import type { Dictionary } from '../criteria/dictionary-model.js';
import { PatientDataError } from '../errors.js';
import { importFhirBundle, type ImportResult } from '../fhir/import-bundle.js';
import { formatImportSummary } from '../fhir/import-summary.js';
import type { CliIo } from './io.js';

/** Import a bundle and write its summary to stderr. Problems name the bundle file. */
export function importWithSummary(data: unknown, name: string, dict: Dictionary, asOf: string | undefined, io: CliIo): ImportResult {
  let result: ImportResult;
  try {
    result = importFhirBundle(data, dict, asOf ? { asOf } : {});
  } catch (e) {
    if (e instanceof PatientDataError) throw new PatientDataError(e.problems.map((p) => ({ location: `${name} ${p.location}`, message: p.message })), { cause: e });
    throw e;
  }
  io.stderr.write(formatImportSummary(result.notes, name));
  return result;
}
