// The paired-course calculators on their own, one per trial (so each one's outcome and missing
// list are compared, not a criterion's merged ones): combinedIntolerance without a drug filter,
// with notDrugs (the named immunosuppressants), with onlyDrugs and alsoClasses (the others), and
// combinedTreatment. The patients hold courses on every side a pair can have: a glucocorticoid, a
// named immunosuppressant, a JAK inhibitor, an "other" drug with or without its class, a biologic,
// an immune globulin, a course with no drug or class, starts and ends around 3 months together.
// In NCT04946669 I3 several of these reach the criterion only merged with another route, so the
// trial's differential test cannot tell a wrong side or filter here: this one can, in DuckDB and
// PostgreSQL.
import { expect, test } from 'vitest';
import type { Trial } from '../../src/criteria/load-trial.js';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';
import { prng } from '../helpers/prng.js';
import { disagreements, inEachEngine, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const UNNAMED = '[other, tofacitinib, baricitinib]';
const calcs: Record<string, string> = {
  'intolerance, any immunosuppressant': '{ months: 3, at: screening }',
  'intolerance, named immunosuppressants': `{ months: 3, at: screening, notDrugs: ${UNNAMED} }`,
  'intolerance, the others': `{ months: 3, at: screening, onlyDrugs: ${UNNAMED}, alsoClasses: [biologic, immunoglobulin] }`,
};
const trials: Trial[] = [
  ...Object.entries(calcs).map(([name, params], k) => oneCriterionTrial(`P-${k}`, name, `{ kind: calc, calculator: combinedIntolerance, params: ${params} }`)),
  oneCriterionTrial('P-9', 'treatment, named immunosuppressants', `{ kind: calc, calculator: combinedTreatment, params: { months: 3, at: screening, notDrugs: ${UNNAMED} } }`),
];

/** Courses of every side, 1 to 3 a patient, some stopped for intolerance, dated around 3 months together. */
function patients(): PatientRecord[] {
  const random = prng(4669);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const kinds: Record<string, unknown>[] = [
    { drug: 'prednisone' },
    { drug: 'methotrexate' },
    { drug: 'azathioprine' },
    { drug: 'tofacitinib' },
    { drug: 'rituximab' },
    { drug: 'ivig' },
    { drug: 'other', otherName: 'hydroxyurea', class: 'immunosuppressant' },
    { drug: 'other', otherName: 'X' },
    { class: 'immunosuppressant' },
    {},
    // null is not recorded, as absent (a patient file may give it for any field).
    { drug: null, class: 'immunosuppressant' },
    { drug: null, class: null },
  ];
  const starts = ['2026-01-31', '2026-02-01', '2025-12-01', undefined];
  const ends = [{ stop: '2026-04-30' }, { stop: '2026-04-29' }, { stop: '2026-05-01' }, { ongoing: true }, {}];
  const out: PatientRecord[] = [];
  for (let k = 0; k < 600; k++) {
    const meds = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const start = pick(starts);
      return { ...pick(kinds), ...(start ? { start } : {}), ...pick(ends), ...(random() < 0.5 ? { outcome: 'intolerance' } : {}) };
    });
    const patient = { id: `C${k}`, referenceDates: { screening: '2026-11-16' }, medications: meds };
    out.push(parsePatientData(patient, `C${k}`, dict).record);
  }
  return out;
}

// A course is the chain of its drug's records without a break (every date recorded): a change of
// dose written as a new record is one time on the drug. Screening 2026-11-16.
const mtx = (start: string, end: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ drug: 'methotrexate', start, ...end, doses: [{ date: start, dose: 10 + start.charCodeAt(6), unit: 'mg/week' }], ...extra });
const pred = (start: string, end: Record<string, unknown>) => ({ drug: 'prednisone', start, ...end, doses: [{ date: start, dose: 5 + start.charCodeAt(6), unit: 'mg/day' }] });
const CHAINS: [name: string, trial: number, meds: Record<string, unknown>[], outcome: string][] = [
  ['treatment: methotrexate in two records without a break, 4.5 months with prednisone', 3, [pred('2025-06-01', { ongoing: true }), mtx('2026-07-01', { stop: '2026-08-31' }), mtx('2026-09-01', { ongoing: true })], 'met'],
  ['treatment: the same with a day without between them', 3, [pred('2025-06-01', { ongoing: true }), mtx('2026-07-01', { stop: '2026-08-31' }), mtx('2026-09-02', { ongoing: true })], 'not_met'],
  ['treatment: prednisone in two records without a break, 3.5 months with methotrexate', 3, [pred('2026-05-01', { stop: '2026-07-31' }), pred('2026-08-01', { ongoing: true }), mtx('2026-06-01', { stop: '2026-09-15' })], 'met'],
  ['intolerance: methotrexate stopped for it after two records, 4 months with prednisone', 1, [pred('2025-06-01', { ongoing: true }), mtx('2026-06-01', { stop: '2026-07-31' }, { outcome: 'response' }), mtx('2026-08-01', { stop: '2026-09-30' }, { outcome: 'intolerance' })], 'met'],
  ['intolerance: the same with a day without between them', 1, [pred('2025-06-01', { ongoing: true }), mtx('2026-06-01', { stop: '2026-07-30' }, { outcome: 'response' }), mtx('2026-08-01', { stop: '2026-09-30' }, { outcome: 'intolerance' })], 'not_met'],
];
const chainRows = CHAINS.map(([, , medications], k) => parsePatientData({ id: `K${k}`, referenceDates: { screening: '2026-11-16' }, medications }, `K${k}`, dict).record);

test.each(CHAINS.map(([name, t, , outcome], k) => ({ name, t, outcome, k })))('$name: $outcome', ({ t, outcome, k }) => {
  const result = screenOutcomes(compileRules(trials[t] as Trial, dict), chainRows[k] as PatientRecord, { screening: '2026-11-16' });
  expect(result.criteria[0]?.outcome).toBe(outcome);
});

const rows = [...patients(), ...chainRows];

test('the patients reach every outcome of every calculation, and every kind of missing entry', () => {
  for (const t of trials) {
    const compiled = compileRules(t, dict);
    const results = rows.map((r) => screenOutcomes(compiled, r, r.referenceDates ?? {}).criteria[0]);
    expect([...new Set(results.map((c) => c?.outcome))].sort(), t.meta.title).toEqual(['met', 'not_met', 'unknown']);
  }
  const missing = new Set(trials.flatMap((t) => rows.flatMap((r) => screenOutcomes(compileRules(t, dict), r, r.referenceDates ?? {}).missing.map((m) => m.field.replace(/\[\d+\]/, '[]')))));
  expect([...missing].sort()).toEqual(['medications[].class', 'medications[].drug', 'medications[].outcome', 'medications[].start', 'medications[].stop']);
});

inEachEngine(rows, 'each calculation, one per trial: the SQL agrees with the JS engine on the outcome and the missing entries', async (dialect, all) => {
  const problems: string[] = [];
  for (const t of trials) problems.push(...(await disagreements(t, rows, dialect, all, (r, i) => `patient ${String(r.id ?? i)} ${JSON.stringify(r.medications)}`)));
  return problems.slice(0, 10);
});
