// doseUnits on its own: whether a medication record's dose history shows the drug given in the
// rule's units (mg/day: taken daily, as oral cyclophosphamide is). It states what the record shows,
// never unknown, so a dose history not recorded, empty, or with a dose in another unit or without
// one is "no" (the criteria then ask the investigator). A table, in the JS engine, DuckDB and
// PostgreSQL, with the rule alone and under `not` (as NCT02347891 I4 and NCT04946669 I3 use it).
import { expect, test } from 'vitest';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';
import { disagreements, inEachEngine, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const daily = oneCriterionTrial('DU-1', 'every dose in mg/day', '{ kind: exists, records: medications, where: { kind: doseUnits, units: [mg/day] } }');
const notDaily = oneCriterionTrial('DU-2', 'not every dose in mg/day', '{ kind: exists, records: medications, where: { kind: not, of: { kind: doseUnits, units: [mg/day] } } }');
const perPulse = oneCriterionTrial('DU-3', 'every dose per pulse', '{ kind: exists, records: medications, where: { kind: doseUnits, units: [mg, g, mg/m²] } }');

const dose = (date: string, unit?: string) => ({ date, dose: 100, ...(unit ? { unit } : {}) });
const cyclophosphamide = (doses?: unknown[], start = '2025-03-01', stop = '2025-05-01') => ({ drug: 'cyclophosphamide', start, stop, ...(doses ? { doses } : {}) });

// [case, medications (undefined: the list not recorded), every dose in mg/day, not so, every dose per pulse]
const TABLE: [string, unknown[] | undefined, string, string, string][] = [
  ['one dose in mg/day', [cyclophosphamide([dose('2025-03-01', 'mg/day')])], 'met', 'not_met', 'not_met'],
  ['daily doses changed, all in mg/day', [cyclophosphamide([dose('2025-03-01', 'mg/day'), dose('2025-04-01', 'mg/day')])], 'met', 'not_met', 'not_met'],
  ['pulses in mg/m²', [cyclophosphamide([dose('2025-03-01', 'mg/m²'), dose('2025-04-01', 'mg/m²'), dose('2025-05-01', 'mg/m²')])], 'not_met', 'met', 'met'],
  ['pulses in g', [cyclophosphamide([dose('2025-03-01', 'g')])], 'not_met', 'met', 'met'],
  ['a pulse, then daily doses', [cyclophosphamide([dose('2025-03-01', 'g'), dose('2025-03-15', 'mg/day')])], 'not_met', 'met', 'not_met'],
  ['weekly doses', [cyclophosphamide([dose('2025-03-01', 'mg/week')])], 'not_met', 'met', 'not_met'],
  ['a dose without a unit', [cyclophosphamide([dose('2025-03-01')])], 'not_met', 'met', 'not_met'],
  ['daily doses and one without a unit', [cyclophosphamide([dose('2025-03-01', 'mg/day'), dose('2025-04-01')])], 'not_met', 'met', 'not_met'],
  ['an empty dose history', [cyclophosphamide([])], 'not_met', 'met', 'not_met'],
  ['no dose history', [cyclophosphamide()], 'not_met', 'met', 'not_met'],
  ['two courses, one daily', [cyclophosphamide([dose('2025-03-01', 'g')]), cyclophosphamide([dose('2025-09-01', 'mg/day')], '2025-09-01', '2025-10-01')], 'met', 'met', 'met'],
  ['no medications', [], 'not_met', 'not_met', 'not_met'],
  ['the medication list not recorded', undefined, 'unknown', 'unknown', 'unknown'],
];

const rows: PatientRecord[] = TABLE.map(([, medications], k) =>
  parsePatientData({ id: `D${k}`, referenceDates: { screening: '2026-11-16' }, ...(medications ? { medications } : {}) }, `D${k}`, dict).record,
);
const trials = [daily, notDaily, perPulse];

test.each(TABLE.map(([name, , ...outcomes], k) => ({ name, outcomes, k })))('$name: $outcomes', ({ outcomes, k }) => {
  const got = trials.map((t) => screenOutcomes(compileRules(t, dict), rows[k] as PatientRecord, { screening: '2026-11-16' }));
  expect(got.map((r) => r.criteria[0]?.outcome)).toEqual(outcomes);
  // Never unknown for want of doses: nothing to collect but the list itself.
  expect(got.flatMap((r) => r.missing.map((m) => m.field))).toEqual(k === TABLE.length - 1 ? ['medications', 'medications', 'medications'] : []);
});

inEachEngine(rows, 'agrees with the JS engine on every row: outcome and missing entries', async (dialect, all) => {
  const problems: string[] = [];
  for (const t of trials) problems.push(...(await disagreements(t, rows, dialect, all, (_r, i) => TABLE[i]?.[0] ?? '')));
  return problems;
});
