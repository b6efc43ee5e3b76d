// A FHIR R4 Bundle given where a patient file is expected: imported into a patient file, the
// import summary written to stderr, then validated like any patient file. Loaded only for bundles.
import type { Dictionary } from '../criteria/dictionary-model.js';
import { PatientDataError } from '../errors.js';
import { importFhirBundle, type ImportResult } from '../fhir/import-bundle.js';
import { formatImportSummary } from '../fhir/import-summary.js';
import { parsePatientData, parsePatientJson, parsePatientText, type ParsedPatient } from '../patient/parse.js';
import type { CliIo } from './io.js';
import type { ReferenceDates } from '../engine/result.js';

/**
 * The bundle's JSON, or undefined when the text is not a FHIR Bundle at its top level (or not
 * JSON the patient reader accepts: parsePatientText then reports where and why).
 */
export function bundleData(text: string): unknown {
  let data: unknown;
  try {
    data = parsePatientJson(text, '');
  } catch {
    return undefined;
  }
  const isBundle = data !== null && typeof data === 'object' && (data as { resourceType?: unknown }).resourceType === 'Bundle';
  return isBundle ? data : undefined;
}

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

/** A patient record from patient-file text that is a FHIR Bundle (or an ordinary patient file after all). */
export function parseBundleOrPatient(text: string, name: string, dict: Dictionary, dates: ReferenceDates, io: CliIo): ParsedPatient {
  const data = bundleData(text);
  if (data === undefined) return parsePatientText(text, name, dict, { referenceDates: dates });
  const { patient } = importWithSummary(data, name, dict, dates.screening, io);
  return parsePatientData(patient, `${name} (imported)`, dict, { pruned: true, referenceDates: dates });
}
