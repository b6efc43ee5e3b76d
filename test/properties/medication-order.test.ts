// The order a patient file lists its medications in carries no meaning: permuting the list never
// changes a criterion's outcome in any trial (the reader's joins of records of one drug included).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { criteriaSet, trial } from '../helpers/screening.js';
import { fullPatient } from '../helpers/arbitrary-patient.js';
import { screenPatient } from '../../src/engine/evaluate.js';
import { fromDayNumber, toDayNumber } from '../../src/engine/dates.js';
import { parsePatientData } from '../../src/patient/parse.js';

const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const dict = criteriaSet.dictionary;

// Few drugs, and records of one drug made as variants of one (another start, end, dose or
// response, or the same again), so that they often repeat, overlap, touch or share a start: what
// the reader joins or keeps apart.
const DRUGS = { prednisone: 'corticosteroid', methotrexate: 'immunosuppressant', azathioprine: 'immunosuppressant' } as const;
const START = fc.constantFrom('2025-06-01', '2026-05-01', '2026-09-15', '2026-10-31');
const END = fc.option(fc.constantFrom(0, 1, 61, 700), { nil: undefined, freq: 2 });
const DOSE = fc.constantFrom(10, 40);
const OUTCOME = fc.option(fc.constantFrom('failure', 'intolerance'), { nil: undefined, freq: 2 });
type Course = { start: string; length: number | undefined; dose: number; later: number | undefined; outcome: string | undefined };
const course = fc.record({ start: START, length: END, dose: DOSE, later: fc.option(DOSE, { nil: undefined, freq: 2 }), outcome: OUTCOME });
const variant = (c: Course) =>
  fc.oneof(
    fc.constant(c),
    START.map((start) => ({ ...c, start })),
    END.map((length) => ({ ...c, length })),
    DOSE.map((dose) => ({ ...c, dose })),
    OUTCOME.map((outcome) => ({ ...c, outcome })),
  );
function medication(drug: keyof typeof DRUGS, { start, length, dose, later, outcome }: Course) {
  const from = toDayNumber(start);
  return {
    drug,
    class: DRUGS[drug],
    start,
    ...(length === undefined ? { ongoing: true } : { stop: fromDayNumber(from + length) }),
    doses: [{ date: start, dose, unit: 'mg/day' }, ...(later === undefined ? [] : [{ date: fromDayNumber(from + 30), dose: later, unit: 'mg/day' }])],
    ...(outcome ? { outcome } : {}),
  };
}
const drugRecords = fc
  .tuple(fc.constantFrom(...(Object.keys(DRUGS) as (keyof typeof DRUGS)[])), course)
  .chain(([drug, c]) => fc.array(variant(c), { minLength: 1, maxLength: 3 }).map((cs) => cs.map((x) => medication(drug, x))));
const medications = fc.array(drugRecords, { minLength: 1, maxLength: 3 }).map((groups) => groups.flat());

/** Each criterion's outcome, or the input error the file gets. */
function outcomes(trialId: string, patient: Record<string, any>): Record<string, string> | 'input error' {
  let r;
  try {
    r = parsePatientData(structuredClone(patient), 'test', dict).record;
  } catch {
    return 'input error';
  }
  const result = screenPatient(trial(trialId), dict, r, { referenceDates: r.referenceDates ?? {} });
  return Object.fromEntries(result.criteria.map((c) => [c.id, c.outcome]));
}

describe('permuting the medication list never changes an outcome', () => {
  test.each(TRIALS)('%s', (trialId) => {
    // A body weight at which one record's dose or two records' sum decides a dose per kg.
    const patients = fc.tuple(fullPatient(dict), medications, fc.constantFrom(30, 50, 70)).chain(([p, meds, weightKg]) =>
      fc.tuple(fc.constant({ ...p, demographics: { ...p.demographics, weightKg }, medications: meds }), fc.shuffledSubarray(meds, { minLength: meds.length, maxLength: meds.length })),
    );
    fc.assert(
      fc.property(patients, ([patient, shuffled]) => {
        expect(outcomes(trialId, { ...patient, medications: shuffled }), JSON.stringify(shuffled)).toEqual(outcomes(trialId, patient));
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });

  // The review's case: the same two prednisone records (one start, one still taken, one stopping)
  // were joined when the stopping one came first and kept apart otherwise; in either order they
  // are two records (neither continues the other), so I4 reads them alike.
  test('two prednisone records with one start, one stopping, in either order', () => {
    const a = { drug: 'prednisone', start: '2025-06-01', ongoing: true, doses: [{ date: '2025-06-01', dose: 40, unit: 'mg/day' }] };
    const b = { drug: 'prednisone', start: '2025-06-01', stop: '2026-12-31', doses: [{ date: '2025-06-01', dose: 40, unit: 'mg/day' }] };
    const read = (meds: object[]) => parsePatientData(structuredClone({ id: 'P', referenceDates: { screening: '2026-11-16' }, medications: meds }), 'test', dict).record.medications;
    expect(read([a, b])).toEqual([a, b].map((m) => ({ ...m, class: 'corticosteroid' })));
    expect(read([b, a])).toEqual([b, a].map((m) => ({ ...m, class: 'corticosteroid' })));
    const patient = { ...structuredClone(fc.sample(fullPatient(dict), { seed: 1, numRuns: 1 })[0]), demographics: { birthDate: '1975-03-08', sex: 'female', weightKg: 60 } };
    expect(outcomes('NCT04946669', { ...patient, medications: [b, a] })).toEqual(outcomes('NCT04946669', { ...patient, medications: [a, b] }));
  });
});
