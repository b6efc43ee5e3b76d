// The public library API: load criteria, parse a patient, screen, format. The CLI is a thin
// layer over exactly these functions.
export { openCriteriaDir, loadTrial, loadAllTrials, findTrialFile, defaultCriteriaDir, type CriteriaSet } from './criteria/criteria-dir.js';
export { parseDictionary, type Dictionary } from './criteria/dictionary.js';
export { parseTrial, parseSharedDefinitions, type Trial, type SharedDefinitions } from './criteria/load-trial.js';
export { TrialFile, Condition, Criterion } from './criteria/rule-schema.js';
export { DictionaryFile } from './criteria/dictionary-schema.js';
export { parsePatientText, parsePatientData, type ParsedPatient } from './patient/parse.js';
export { patientSchema } from './patient/schema.js';
export { importFhirBundle, type ImportNote, type ImportResult } from './fhir/import-bundle.js';
export { screenPatient, evaluateCriterion, decideVerdict, type ScreenOptions } from './engine/evaluate.js';
export { resolveReferenceDates } from './engine/reference-dates.js';
export type { PatientRecord } from './engine/patient-record.js';
export type { ScreeningResult, CriterionResult, Trace, TraceKind, Fact, FieldFact, RoleFact, FactRole, Missing, MissingEntry, MissingRecord, RecordName, Need, ReviewItem, Verdict, ReferenceDates } from './engine/result.js';
export { missingText, missingWords } from './report/missing-words.js';
export { missingLabel, missingPhrase } from './report/missing-label.js';
export { factData, factLabel, itemWords, wordedFact } from './report/fact-words.js';
export type { Outcome } from './engine/logic.js';
export { formatText, type TextOptions } from './report/text.js';
export { formatJson, toJsonReport, REPORT_SCHEMA_VERSION } from './report/json.js';
export { FORMATS, formatByName, formatsFor, type OutputFormat, type ReportFormat, type ReportFormatter, type ReportOptions, type BatchFormat, type RowFormatter } from './report/formats.js';
export { UsageError, CriteriaError, PatientDataError, type Problem } from './errors.js';

import { loadTrial, openCriteriaDir } from './criteria/criteria-dir.js';
import { screenPatient } from './engine/evaluate.js';
import { resolveReferenceDates } from './engine/reference-dates.js';
import type { ReferenceDates, ScreeningResult } from './engine/result.js';
import { parsePatientData } from './patient/parse.js';
import { inFileNumbering } from './patient/record-origins.js';

/**
 * Screen one patient (a parsed JSON object) against one trial using the built-in criteria (or
 * `criteriaDir`). Reference dates given here override those in the patient object.
 */
export function screen(options: { trial: string; patient: unknown; referenceDates?: ReferenceDates; criteriaDir?: string }): ScreeningResult & { warnings: import('./errors.js').Problem[] } {
  const set = openCriteriaDir(options.criteriaDir);
  const trial = loadTrial(set, options.trial);
  const { record, warnings, origins } = parsePatientData(options.patient, 'patient', set.dictionary, { referenceDates: options.referenceDates ?? {} });
  const { dates } = resolveReferenceDates(record.referenceDates, options.referenceDates ?? {});
  return { ...inFileNumbering(screenPatient(trial, set.dictionary, record, { referenceDates: dates }), origins), warnings };
}
