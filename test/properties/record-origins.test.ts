// A course entered twice is one course: inserting a copy of a random medication record at a
// random place in a random patient's list changes no outcome, and every record the JSON report
// names (paths, items, chains, calculators' drugs, labels of values to collect) is a record of
// the file as given, of the drug the report says, the values to collect being the same ones.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { drugIdentity } from '../../src/engine/medication.js';
import { screenPatient } from '../../src/engine/evaluate.js';
import { resolveReferenceDates } from '../../src/engine/reference-dates.js';
import { PatientDataError } from '../../src/errors.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { inFileNumbering } from '../../src/patient/record-origins.js';
import { toJsonReport } from '../../src/report/json.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { jsonReferenceProblems } from '../helpers/record-references.js';
import { criteriaSet, trial } from '../helpers/screening.js';

const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const dict = criteriaSet.dictionary;

/** The JSON report as `screen --format json` builds it: read, screened, renumbered to the file. */
function report(trialId: string, patient: Record<string, any>) {
  const { record, origins } = parsePatientData(structuredClone(patient), 'p', dict);
  const { dates } = resolveReferenceDates(record.referenceDates, {});
  const result = inFileNumbering(screenPatient(trial(trialId), dict, record, { referenceDates: dates }), origins);
  return toJsonReport(result, { tool: { name: 'test', version: '0' }, dictionary: dict });
}

/** What to collect, without record numbers (the copy moves records; the values asked for are the same). */
const collect = (r: ReturnType<typeof report>) => new Set(r.missing.map((m) => `${m.label.replace(/, joined with #\d+(, #\d+)*/, '').replace(/#\d+/g, '#')} ${m.field.replace(/^medications\[\d+\]/, 'medications[]')}`));

/** The patient parses; the record to copy has its dates (so the copy is one course entered twice) and the only record of its drug. */
function copyable(patient: Record<string, any>, r: number): boolean {
  const meds = patient.medications;
  if (!Array.isArray(meds) || r >= meds.length) return false;
  const med = meds[r];
  const id = drugIdentity(med);
  if (id === undefined || typeof med.start !== 'string' || (typeof med.stop !== 'string' && med.ongoing !== true)) return false;
  if (meds.some((m: Record<string, unknown>, i: number) => i !== r && drugIdentity(m) === id)) return false;
  try {
    parsePatientData(structuredClone(patient), 'p', dict);
    return true;
  } catch (e) {
    if (e instanceof PatientDataError) return false;
    throw e;
  }
}

describe('a medication record entered twice changes no outcome and no record named', () => {
  test.each(TRIALS)('%s', (trialId) => {
    const cases = fullPatient(dict)
      .chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 10 }), fc.nat(), fc.nat()))
      .map(([full, removals, r, j]) => {
        const patient = withoutAll(full, removals);
        const n = Array.isArray(patient.medications) ? patient.medications.length : 0;
        return { patient, r: n ? r % n : 0, at: j % (n + 1) };
      })
      .filter(({ patient, r }) => copyable(patient, r));
    fc.assert(
      fc.property(cases, ({ patient, r, at }) => {
        const twice = structuredClone(patient);
        twice.medications.splice(at, 0, structuredClone(patient.medications[r]));
        const once = report(trialId, patient);
        const both = report(trialId, twice);
        expect(both.verdict).toBe(once.verdict);
        expect(both.criteria.map((c) => `${c.id} ${c.outcome}`)).toEqual(once.criteria.map((c) => `${c.id} ${c.outcome}`));
        expect(jsonReferenceProblems(both, twice.medications, dict)).toEqual([]);
        expect(collect(both)).toEqual(collect(once));
      }),
      { seed: 20261202, numRuns: 40 },
    );
  }, 60_000);
});
