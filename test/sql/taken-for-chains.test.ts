// takenFor counts across records of one drug taken without a break (a change of dose entered as a
// new record, a course renewed): records link when the next starts on or before the day after the
// previous one's last dose, or while it is still taken; the chain's start is its earliest. A link
// resting on a start or stop not recorded is unknown: the chain decides only where every reading
// of those dates gives the same answer, and the unknown names them. A boundary table in the JS
// engine, DuckDB and PostgreSQL, and seeded patients with several records of one drug on which the
// SQL of both engines agrees with the JS engine on the outcome and the missing entries.
import { expect, test } from 'vitest';
import { fromDayNumber, shift, toDayNumber, type Duration } from '../../src/engine/dates.js';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import type { Dialect } from '../../src/sql/dialect.js';
import { criteriaSet } from '../helpers/screening.js';
import { prng } from '../helpers/prng.js';
import { disagreements, inEachEngine, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const takenForTrial = (k: string, atLeast: string, extra = '') => oneCriterionTrial(`TF-${k}`, `taken for ${k}`, `{ kind: exists, records: medications, where: { kind: takenFor, atLeast: ${atLeast}, before: screening${extra} } }`);
const M3 = takenForTrial('m3', '{ months: 3 }');
const W24 = takenForTrial('w24', '{ weeks: 24 }');
const ALONE = takenForTrial('alone', '{ months: 3 }', ', chained: false');

type Med = Record<string, unknown>;
/** A methotrexate record (another drug with `drug`): `stop` a date, 'ongoing', or undefined (not recorded); each record its own dose, so the reader joins none. */
let dose = 10;
const mtx = (start: string | undefined, stop: string | undefined, extra: Med = {}): Med => {
  dose += 2.5;
  return { drug: 'methotrexate', ...(start ? { start, doses: [{ date: start, dose, unit: 'mg/week' }] } : {}), ...(stop === 'ongoing' ? { ongoing: true } : stop ? { stop } : {}), ...extra };
};
const patient = (screening: string, medications: Med[], id = 'P'): PatientRecord => parsePatientData({ id, referenceDates: { screening }, medications }, id, dict).record;

// Screening 2026-11-16: 3 months from 2026-08-16 are reached by it, from 2026-08-17 not.
const R = '2026-11-16';
/** [name, records, outcome, missing entries]: 3 months before R. */
const BOUNDARY: [string, Med[], string, string[]][] = [
  ['one record from the boundary day', [mtx('2026-08-16', 'ongoing')], 'met', []],
  ['one record from the day after', [mtx('2026-08-17', 'ongoing')], 'not_met', []],
  ['the next record starts on the last dose day', [mtx('2026-06-01', '2026-09-30'), mtx('2026-09-30', 'ongoing')], 'met', []],
  ['the next record starts the day after the last dose', [mtx('2026-06-01', '2026-09-30'), mtx('2026-10-01', 'ongoing')], 'met', []],
  ['1 day without between the records', [mtx('2026-06-01', '2026-09-30'), mtx('2026-10-02', 'ongoing')], 'not_met', []],
  ['2 days without between the records', [mtx('2026-06-01', '2026-09-30'), mtx('2026-10-03', 'ongoing')], 'not_met', []],
  ['overlapping records (the report\'s example: 15 then 20 mg)', [mtx('2026-08-01', '2026-10-05'), mtx('2026-10-01', 'ongoing')], 'met', []],
  ['overlapping records, the chain from the day after the boundary', [mtx('2026-08-17', '2026-10-05'), mtx('2026-10-01', 'ongoing')], 'not_met', []],
  ['the later record listed first', [mtx('2026-10-01', 'ongoing'), mtx('2026-08-16', '2026-10-05')], 'met', []],
  ['a record inside a still-taken one', [mtx('2026-06-01', 'ongoing'), mtx('2026-10-01', '2026-10-20')], 'met', []],
  ['an ongoing record before the next', [mtx('2026-06-01', 'ongoing'), mtx('2026-10-01', 'ongoing')], 'met', []],
  ['3 records, each shorter than 3 months, without a break', [mtx('2026-05-01', '2026-06-30'), mtx('2026-07-01', '2026-08-31'), mtx('2026-09-01', 'ongoing')], 'met', []],
  ['3 records, a day without before the last', [mtx('2026-05-01', '2026-06-30'), mtx('2026-07-01', '2026-08-20'), mtx('2026-08-22', 'ongoing')], 'not_met', []],
  ['3 records listed out of order', [mtx('2026-09-01', 'ongoing'), mtx('2026-05-01', '2026-06-30'), mtx('2026-07-01', '2026-08-31')], 'met', []],
  ['the earlier record\'s stop not recorded: the link is unknown', [mtx('2026-06-01', undefined), mtx('2026-10-01', 'ongoing')], 'unknown', ['medications[0].stop']],
  ['the earlier record\'s stop not recorded, it started too late anyway', [mtx('2026-09-01', undefined), mtx('2026-10-01', 'ongoing')], 'not_met', []],
  ['a record that alone is long enough, beside one whose stop is not recorded', [mtx('2026-06-01', 'ongoing'), mtx('2025-01-01', undefined)], 'met', []],
  ['the earlier record\'s start not recorded: the link is unknown', [mtx(undefined, '2026-09-30'), mtx('2026-10-01', 'ongoing')], 'unknown', ['medications[0].start']],
  ['the middle record\'s stop not recorded', [mtx('2026-05-01', '2026-06-30'), mtx('2026-07-01', undefined), mtx('2026-10-01', 'ongoing')], 'unknown', ['medications[1].stop']],
  ['methotrexate, then azathioprine the next day: never chained', [mtx('2026-06-01', '2026-09-30'), mtx('2026-10-01', 'ongoing', { drug: 'azathioprine' })], 'not_met', []],
  ['an "other" drug by the same name (case and spaces aside)', [mtx('2026-06-01', '2026-09-30', { drug: 'other', otherName: 'Voclosporin' }), mtx('2026-10-01', 'ongoing', { drug: 'other', otherName: ' voclosporin ' })], 'met', []],
  ['"other" drugs by different names', [mtx('2026-06-01', '2026-09-30', { drug: 'other', otherName: 'Voclosporin' }), mtx('2026-10-01', 'ongoing', { drug: 'other', otherName: 'Anifrolumab' })], 'not_met', []],
  ['drugs not recorded: never chained', [mtx('2026-06-01', '2026-09-30', { drug: undefined }), mtx('2026-10-01', 'ongoing', { drug: undefined })], 'not_met', []],
];
const boundaryRows = BOUNDARY.map(([, meds], k) => patient(R, meds, `B${k}`));

const m3 = compileRules(M3, dict);
test.each(BOUNDARY.map(([name, , outcome, missing], k) => ({ name, outcome, missing, k })))('3 months by $k: $name: $outcome', ({ outcome, missing, k }) => {
  const result = screenOutcomes(m3, boundaryRows[k] as PatientRecord, { screening: R });
  expect(result.criteria[0]?.outcome).toBe(outcome);
  expect(result.missing.map((m) => m.field)).toEqual(missing);
});

test('chained: false counts the record by itself', () => {
  const alone = compileRules(ALONE, dict);
  const outcome = (meds: Med[]) => screenOutcomes(alone, patient(R, meds), { screening: R }).criteria[0]?.outcome;
  expect(outcome([mtx('2026-08-01', '2026-10-05'), mtx('2026-10-01', 'ongoing')])).toBe('not_met');
  expect(outcome([mtx('2026-08-16', 'ongoing')])).toBe('met');
});

/**
 * Seeded patients with two to four records of one or two drugs whose starts and stops fall on
 * either side of each other's (the same day, the day after, two days after) and of the duration's
 * first day, some ongoing, some without a start or a stop.
 */
function chainedCourses(): PatientRecord[] {
  const random = prng(6116);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const refs = ['2026-11-16', '2026-02-28', '2028-02-29', '2026-05-31'];
  const day = (d: string, n: number) => fromDayNumber(toDayNumber(d) + n);
  const out: PatientRecord[] = [];
  for (let k = 0; out.length < 700; k++) {
    const ref = pick(refs);
    const d: Duration = pick([{ months: 3 }, { weeks: 24 }]);
    const first = shift(ref, d, -1);
    const drug = () => pick<Med>([{ drug: 'methotrexate' }, { drug: 'methotrexate' }, { drug: 'azathioprine' }, { drug: 'other', otherName: pick(['Voclosporin', 'VOCLOSPORIN ', 'Anifrolumab']) }, {}]);
    const meds: Med[] = [];
    let at = day(first, pick([-40, -3, -1, 0, 1, 2, 20]));
    for (let n = pick([2, 2, 3, 4]); n > 0; n--) {
      const stop = day(at, pick([10, 30, 45, 60, 90]));
      const unknownStart = random() < 0.12;
      const end = random() < 0.12 ? {} : n === 1 && random() < 0.6 ? { ongoing: true } : { stop };
      meds.push({ ...drug(), ...(unknownStart ? {} : { start: at, doses: [{ date: at, dose: 10 + meds.length, unit: 'mg/week' }] }), ...end });
      at = day(stop, pick([-5, 0, 1, 1, 2, 3]));
    }
    const record = { id: `C${k}`, referenceDates: k % 31 === 0 ? {} : { screening: ref }, medications: meds };
    try {
      out.push(parsePatientData(record, `C${k}`, dict).record);
    } catch {
      // not a valid patient (a stop before its start, a date after screening): nothing to compare
    }
  }
  return out;
}

// A stopped course (src/rules/stopped-course.ts) is measured on the same chain: from the first
// record's first dose to the last record's last dose, at least 3 months (LONG) or less (SHORT, the
// infusion-course review), its first dose 3 months before screening (2026-01-01 to 2026-04-01 is
// exactly 3 months).
const stoppedTrial = (k: string, op: string) => oneCriterionTrial(`SC-${k}`, `stopped course ${k}`, `{ kind: exists, records: medications, where: { kind: stoppedCourse, op: '${op}', duration: { months: 3 }, before: screening } }`);
const LONG = stoppedTrial('long', '>=');
const SHORT = stoppedTrial('short', '<');
/** [name, records, LONG's outcome, SHORT's outcome, missing entries when unknown]. */
const STOPPED: [string, Med[], string, string, string[]][] = [
  ['two overlapping stopped records, 3.5 months together', [mtx('2026-01-01', '2026-03-01'), mtx('2026-02-15', '2026-04-15')], 'met', 'not_met', []],
  ['the chain exactly 3 months', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-16', '2026-04-01')], 'met', 'not_met', []],
  ['the chain a day short of 3 months', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-16', '2026-03-31')], 'not_met', 'met', []],
  ['1 day without between the records', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-17', '2026-04-15')], 'not_met', 'met', []],
  ['2 days without between the records', [mtx('2026-01-01', '2026-02-15'), mtx('2026-02-18', '2026-04-15')], 'not_met', 'met', []],
  ['the middle record\'s stop not recorded', [mtx('2026-01-01', '2026-01-31'), mtx('2026-02-01', undefined), mtx('2026-03-01', '2026-04-15')], 'unknown', 'unknown', ['medications[1].stop']],
  ['the middle record\'s start not recorded', [mtx('2026-01-01', '2026-01-31'), mtx(undefined, '2026-02-28'), mtx('2026-03-01', '2026-04-15')], 'unknown', 'unknown', ['medications[1].start']],
  ['the chain still taken', [mtx('2026-01-01', '2026-03-01'), mtx('2026-02-15', 'ongoing')], 'not_met', 'not_met', []],
  ['the chain\'s first dose after the boundary', [mtx('2026-08-17', '2026-09-30'), mtx('2026-10-01', '2026-11-10')], 'not_met', 'not_met', []],
  ['one record of 3.5 months', [mtx('2026-01-01', '2026-04-15')], 'met', 'not_met', []],
  ['one record of 2 months', [mtx('2026-01-01', '2026-03-01')], 'not_met', 'met', []],
];
const stoppedRows = STOPPED.map(([, meds], k) => patient(R, meds, `S${k}`));

test.each(STOPPED.map(([name, , long, short, missing], k) => ({ name, long, short, missing, k })))('stopped course by $k: $name: $long, less than 3 months $short', ({ long, short, missing, k }) => {
  for (const [trial, outcome] of [[LONG, long], [SHORT, short]] as const) {
    const result = screenOutcomes(compileRules(trial, dict), stoppedRows[k] as PatientRecord, { screening: R });
    expect(result.criteria[0]?.outcome).toBe(outcome);
    expect(result.missing.map((m) => m.field)).toEqual(outcome === 'unknown' ? missing : []);
  }
});

const rows = [...boundaryRows, ...stoppedRows, ...chainedCourses()];
const trials = [M3, W24, ALONE, LONG, SHORT];

test('the seeded patients reach every outcome, chains of 3 or more records, and both kinds of missing entry', () => {
  const results = trials.slice(0, 2).flatMap((t) => rows.map((r) => screenOutcomes(compileRules(t, dict), r, r.referenceDates ?? {})));
  expect([...new Set(results.map((r) => r.criteria[0]?.outcome))].sort()).toEqual(['met', 'not_met', 'unknown']);
  expect([...new Set(results.flatMap((r) => r.missing.map((m) => m.field.replace(/\[\d+\]/, '[]'))))].sort()).toEqual(['medications[].start', 'medications[].stop', 'referenceDates.screening']);
  expect(rows.some((r) => Array.isArray(r.medications) && r.medications.length >= 3)).toBe(true);
  // Counted by the chain or by the record alone, the outcome differs for many of them, both ways to unknown.
  const outcomes = (t: typeof M3) => rows.map((r) => screenOutcomes(compileRules(t, dict), r, r.referenceDates ?? {}).criteria[0]?.outcome);
  const [chained, alone] = [outcomes(M3), outcomes(ALONE)];
  const changes = new Set(rows.flatMap((_, i) => (chained[i] === alone[i] ? [] : [`${alone[i]}->${chained[i]}`])));
  expect([...changes].sort()).toEqual(['not_met->met', 'not_met->unknown', 'unknown->met']);
});

async function sqlDisagreements(dialect: Dialect, all: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const trial of trials) problems.push(...(await disagreements(trial, rows, dialect, all, (r) => `screening ${r.referenceDates?.screening ?? '-'}, ${JSON.stringify(r.medications)}`)));
  return problems.slice(0, 10);
}

inEachEngine(rows, 'the SQL agrees with the JS engine on the outcome and the missing entries (boundary table and seeded chains)', sqlDisagreements);
