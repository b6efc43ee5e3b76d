// Two records of one glucocorticoid taken on the screening date (the patient reader keeps them
// apart unless they are the same dates, or one continues the other at its dose) are the same
// course entered twice or doses taken together, which the record does not say: the drug counts
// from one record's dose to their sum, decided only where both agree, else unknown with each
// record's daily total to collect (never the sum, never one of them). Different glucocorticoids
// are added. A boundary table at 60 kg (1 mg/kg/day: below 60 mg/day) in the JS engine, and the
// SQL of DuckDB and PostgreSQL agreeing with it on the outcome and the missing entries.
import { expect, test } from 'vitest';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';
import { disagreements, inEachEngine, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const BELOW_1 = oneCriterionTrial('PE-1', 'prednisone-equivalent below 1 mg/kg', `{ kind: calc, calculator: prednisoneEquivalentPerKg, params: { op: '<', mgPerKgPerDay: 1, at: screening } }`);
const S = '2026-11-16';

type Med = Record<string, unknown>;
/** A glucocorticoid record from `start`, still taken unless `extra` says otherwise, at `dose` mg/day. */
const gc = (drug: string, start: string, dose: number, extra: Med = { ongoing: true }): Med => ({ drug, start, ...extra, doses: [{ date: start, dose, unit: 'mg/day' }] });
const pred = (start: string, dose: number, extra?: Med) => gc('prednisone', start, dose, extra);
const daily = (i: number) => `medications[${i}].doses (overlaps another record of the drug on ${S}: one course entered twice (remove the copy) or taken together (one record with the day's total, the other stopped))`;

/** [case, records, outcome, missing entries as the batch column words them]. */
const TABLE: [string, Med[], string, string[]][] = [
  ['the review\'s case: two ongoing records of 40 mg, 60 kg: 40 or 80', [pred('2025-06-01', 40), pred('2026-05-01', 40)], 'unknown', [daily(0), daily(1)]],
  ['29.9 and 30 mg: below the limit even added (59.9)', [pred('2025-06-01', 29.9), pred('2026-05-01', 30)], 'met', []],
  ['30 and 30 mg: added, exactly 1 mg/kg/day', [pred('2025-06-01', 30), pred('2026-05-01', 30)], 'unknown', [daily(0), daily(1)]],
  ['60 and 10 mg: one course entered twice may be 10 mg', [pred('2025-06-01', 60), pred('2026-05-01', 10)], 'unknown', [daily(0), daily(1)]],
  ['61 and 70 mg: over the limit either way', [pred('2025-06-01', 61), pred('2026-05-01', 70)], 'not_met', []],
  ['the second record stopped the day before screening: 40 mg', [pred('2025-06-01', 40), pred('2026-05-01', 40, { stop: '2026-11-15' })], 'met', []],
  ['the second record stopped on the screening date: both taken that day', [pred('2025-06-01', 40), pred('2026-05-01', 40, { stop: S })], 'unknown', [daily(0), daily(1)]],
  ['the second record\'s stop not recorded: its stop and both totals', [pred('2025-06-01', 40), pred('2026-05-01', 30, {})], 'unknown', [daily(0), 'medications[1].stop', daily(1)]],
  ['40 mg, and 10 mg whose stop is not recorded: 10 to 50, below either way', [pred('2025-06-01', 40), pred('2026-05-01', 10, {})], 'met', []],
  ['70 mg, and 5 mg whose stop is not recorded: one course entered twice may be 5 mg', [pred('2025-06-01', 70), pred('2026-05-01', 5, {})], 'unknown', [daily(0), 'medications[1].stop', daily(1)]],
  ['70 mg, and 65 mg whose stop is not recorded: over the limit either way', [pred('2025-06-01', 70), pred('2026-05-01', 65, {})], 'not_met', []],
  ['30 mg whose stop is not recorded twice: 0 (both stopped) to 60', [pred('2025-06-01', 30, {}), pred('2026-05-01', 30, {})], 'unknown', ['medications[0].stop', daily(0), 'medications[1].stop', daily(1)]],
  ['the second record\'s dose not recorded', [pred('2025-06-01', 40), { drug: 'prednisone', start: '2026-05-01', ongoing: true }], 'unknown', [daily(0), 'medications[1].doses'],],
  ['prednisone 40 and prednisolone 20 mg: two drugs, added (60)', [pred('2025-06-01', 40), gc('prednisolone', '2026-05-01', 20)], 'not_met', []],
  ['prednisone 40 and methylprednisolone 15.9 mg: two drugs, added (59.875)', [pred('2025-06-01', 40), gc('methylprednisolone', '2026-05-01', 15.9)], 'met', []],
  ['three prednisone records of 20 mg: 20 to 60', [pred('2025-06-01', 20), pred('2026-02-01', 20), pred('2026-05-01', 20)], 'unknown', [daily(0), daily(1), daily(2)]],
  ['two prednisone records and methylprednisolone 8 mg (10): 35 to 55 with it', [pred('2025-06-01', 25), pred('2026-05-01', 20), gc('methylprednisolone', '2026-03-01', 8)], 'met', []],
  ['"other" steroids of one name, recorded equivalents 30 and 30', [{ drug: 'other', otherName: 'Budesonide', class: 'corticosteroid', start: '2025-06-01', ongoing: true, prednisoneEquivalentMgPerDay: 30 }, { drug: 'other', otherName: ' budesonide', class: 'corticosteroid', start: '2026-05-01', ongoing: true, prednisoneEquivalentMgPerDay: 30 }], 'unknown', [`medications[0].prednisoneEquivalentMgPerDay (overlaps another record of the drug on ${S}: one course entered twice (remove the copy) or taken together (one record with the day's total, the other stopped))`, `medications[1].prednisoneEquivalentMgPerDay (overlaps another record of the drug on ${S}: one course entered twice (remove the copy) or taken together (one record with the day's total, the other stopped))`]],
  ['"other" steroids of two names, 30 and 30: added', [{ drug: 'other', otherName: 'Budesonide', class: 'corticosteroid', start: '2025-06-01', ongoing: true, prednisoneEquivalentMgPerDay: 30 }, { drug: 'other', otherName: 'Cortisone', class: 'corticosteroid', start: '2026-05-01', ongoing: true, prednisoneEquivalentMgPerDay: 30 }], 'not_met', []],
  ['one record continued at its dose: joined by the reader, 40 mg', [pred('2025-06-01', 40, { stop: '2026-04-30' }), pred('2026-05-01', 40)], 'met', []],
];
const rows: PatientRecord[] = TABLE.map(([, medications], k) => parsePatientData({ id: `P${k}`, referenceDates: { screening: S }, demographics: { weightKg: 60 }, medications }, `P${k}`, dict).record);

const compiled = compileRules(BELOW_1, dict);
test.each(TABLE.map(([name, , outcome, missing], k) => ({ name, outcome, missing, k })))('$name: $outcome', ({ outcome, missing, k }) => {
  const result = screenOutcomes(compiled, rows[k] as PatientRecord, { screening: S });
  expect(result.criteria[0]?.outcome).toBe(outcome);
  expect(result.missing.map((m) => (m.need ? `${m.field} (overlaps another record of the drug on ${m.need.kind === 'dailyTotal' ? m.need.date : '?'}: one course entered twice (remove the copy) or taken together (one record with the day's total, the other stopped))` : m.field))).toEqual(missing);
});

inEachEngine(rows, 'the SQL agrees with the JS engine on the outcome and the missing entries', async (dialect, all) => disagreements(BELOW_1, rows, dialect, all, (r) => JSON.stringify(r.medications)));
