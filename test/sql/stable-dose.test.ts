// stableDose counts its window forward, as takenFor does: a dose set on d has been taken unchanged
// for a duration D by the reference date R when d + D <= R (calendar months clamped at month ends).
// At a month end that differs from R - D: screening 2026-05-31, a dose set on 2026-02-28 has been
// taken for more than 3 months (NCT04946669 I5: 3 months and 1 day from it end on 2026-05-29). A
// boundary table at month ends and leap days, in the JS engine, DuckDB and PostgreSQL; a property
// that stableDose and takenFor agree on a course with one unchanged dose; and seeded dose histories
// around both ways of counting, on which the SQL of both engines agrees with the JS engine on the
// outcome and the missing entries.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Trial } from '../../src/criteria/load-trial.js';
import { formatDuration, fromDayNumber, latestStartFor, shift, toDayNumber, type Duration } from '../../src/engine/dates.js';
import { compileTrial as compileRules, screenOutcomes, type CompiledTrial } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import type { Dialect } from '../../src/sql/dialect.js';
import { compileTrial } from '../../src/sql/query.js';
import { criteriaSet } from '../helpers/screening.js';
import { prng } from '../helpers/prng.js';
import { disagreements, inEachEngine, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const flow = (d: Duration) => `{ ${Object.entries(d).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
const onAMedication = (leaf: string) => `{ kind: exists, records: medications, where: ${leaf} }`;
const stableDoseTrial = (d: Duration, k: number) => oneCriterionTrial(`SD-${k}`, `stable dose for ${formatDuration(d)}`, onAMedication(`{ kind: stableDose, for: ${flow(d)}, before: screening }`));

const I5 = { months: 3, days: 1 };
const M3 = { months: 3 };
const M1D3 = { months: 1, days: 3 };
const DURATIONS: Duration[] = [I5, M3, M1D3, { weeks: 4 }, { years: 1, months: 1, days: 1 }];
const trials: Trial[] = DURATIONS.map(stableDoseTrial);

type Outcome = 'met' | 'not_met';
/**
 * [for, screening, the current dose set on, set by the course's start or by a change, outcome].
 * A row marked "was" had the other outcome counted back from screening (on R - D, given).
 */
const BOUNDARY: [Duration, string, string, 'start' | 'change', Outcome][] = [
  // I5, more than 3 months: 3 months and 1 day from the dose's date end on or before screening.
  [I5, '2026-05-31', '2026-02-27', 'change', 'met'],
  [I5, '2026-05-31', '2026-02-28', 'change', 'met'], // was not met (R - D = 2026-02-27)
  [I5, '2026-05-31', '2026-03-01', 'change', 'not_met'],
  [I5, '2026-05-31', '2026-02-28', 'start', 'met'], // was not met
  [I5, '2026-05-31', '2026-03-01', 'start', 'not_met'],
  [I5, '2026-05-29', '2026-02-28', 'change', 'met'], // was not met (R - D = 2026-02-27)
  [I5, '2026-05-29', '2026-03-01', 'change', 'not_met'],
  [I5, '2026-06-01', '2026-02-28', 'change', 'met'],
  [I5, '2026-06-01', '2026-03-01', 'change', 'not_met'],
  [I5, '2026-02-28', '2025-11-27', 'change', 'met'],
  [I5, '2026-02-28', '2025-11-28', 'change', 'not_met'],
  [I5, '2026-03-01', '2025-11-30', 'change', 'met'],
  [I5, '2026-03-01', '2025-12-01', 'change', 'not_met'],
  [I5, '2028-02-29', '2027-11-28', 'change', 'met'],
  [I5, '2028-02-29', '2027-11-29', 'change', 'not_met'],
  [I5, '2028-05-31', '2028-02-29', 'change', 'met'], // was not met (R - D = 2028-02-28)
  [I5, '2028-05-31', '2028-03-01', 'change', 'not_met'],
  [I5, '2027-05-31', '2027-02-28', 'change', 'met'], // was not met (R - D = 2027-02-27)
  [I5, '2027-05-31', '2027-03-01', 'change', 'not_met'],
  [I5, '2026-11-16', '2026-08-15', 'change', 'met'],
  [I5, '2026-11-16', '2026-08-16', 'change', 'not_met'],
  // 3 months: 3 months from the 30th of November end on the last of February.
  [M3, '2026-02-28', '2025-11-30', 'change', 'met'], // was not met (R - D = 2025-11-28)
  [M3, '2026-02-28', '2025-11-30', 'start', 'met'], // was not met
  [M3, '2026-02-28', '2025-12-01', 'change', 'not_met'],
  [M3, '2028-02-29', '2027-11-30', 'change', 'met'], // was not met (R - D = 2027-11-29)
  [M3, '2028-02-29', '2027-12-01', 'change', 'not_met'],
  [M3, '2026-05-31', '2026-02-28', 'change', 'met'],
  [M3, '2026-05-31', '2026-03-01', 'change', 'not_met'],
  // 1 month and 3 days: a month from 2026-01-28 ends on 2026-02-28 (clamped), 3 days later on 2026-03-03.
  [M1D3, '2026-03-02', '2026-01-27', 'change', 'met'],
  [M1D3, '2026-03-02', '2026-01-28', 'change', 'not_met'], // was met (R - D = 2026-01-30)
  [M1D3, '2026-03-02', '2026-01-30', 'start', 'not_met'], // was met
  [M1D3, '2028-03-02', '2028-01-28', 'change', 'met'],
  [M1D3, '2028-03-02', '2028-01-29', 'change', 'not_met'], // was met (R - D = 2028-01-30)
  // ... but 3 days before 2028-03-03 is 29 February, the month's last day: all of January fits.
  [M1D3, '2028-03-03', '2028-01-31', 'change', 'met'],
  [M1D3, '2028-03-03', '2028-02-01', 'change', 'not_met'],
];

/** An ongoing methotrexate course whose current dose was set on `date`, at its start or by a change from an earlier dose. */
function boundaryPatient([, screening, date, setBy]: (typeof BOUNDARY)[number], k: number): PatientRecord {
  const doses = setBy === 'start' ? [{ date, dose: 20, unit: 'mg/week' }] : [{ date: '2025-01-01', dose: 15, unit: 'mg/week' }, { date, dose: 20, unit: 'mg/week' }];
  const patient = { id: `B${k}`, referenceDates: { screening }, medications: [{ drug: 'methotrexate', start: doses[0]?.date, ongoing: true, doses }] };
  return parsePatientData(patient, `B${k}`, dict).record;
}

/**
 * Seeded courses whose start and doses fall on either side of each duration's first day, counted
 * forward and counted back, by month-end and leap-day screening dates: doses changed or not, in
 * another unit or without one, without an amount; starts, ends and the screening date unrecorded.
 */
function doseHistories(): PatientRecord[] {
  const random = prng(4669);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const refs = ['2026-02-28', '2026-03-01', '2026-05-29', '2026-05-31', '2026-06-01', '2027-05-31', '2028-02-29', '2028-05-31', '2026-11-16', '2024-02-29'];
  const out: PatientRecord[] = [];
  for (let k = 0; out.length < 900; k++) {
    const ref = pick(refs);
    const near = DURATIONS.flatMap((d) => [latestStartFor(ref, d), shift(ref, d, -1)]).flatMap((x) => [-1, 0, 1].map((o) => fromDayNumber(toDayNumber(x) + o)));
    const dose = () => ({ date: pick(near), ...(random() < 0.85 ? { dose: pick([10, 10, 15]) } : {}), ...(random() < 0.9 ? { unit: pick(['mg/week', 'mg/week', 'mg/week', 'mg']) } : {}) });
    const course = () => {
      const doses = Array.from({ length: pick([0, 1, 1, 2, 2, 3]) }, dose);
      const start = pick([...near, shift(ref, { years: 1 }, -1), shift(ref, { years: 1 }, -1), undefined]);
      const end = pick([{ ongoing: true }, { ongoing: true }, {}, { stop: ref }, { stop: fromDayNumber(toDayNumber(ref) - 1) }]);
      return { drug: 'methotrexate', ...(start ? { start } : {}), ...end, ...(random() < 0.9 ? { doses: [{ date: shift(ref, { years: 1 }, -1), dose: 10, unit: 'mg/week' }, ...doses] } : doses.length ? { doses } : {}) };
    };
    const patient = { id: `H${k}`, referenceDates: k % 29 === 0 ? {} : { screening: ref }, medications: Array.from({ length: pick([1, 1, 2]) }, course) };
    try {
      out.push(parsePatientData(patient, `H${k}`, dict).record);
    } catch {
      // not a valid patient (a stop before its start): nothing to compare
    }
  }
  return out;
}

const boundaryRows = BOUNDARY.map(boundaryPatient);
const histories = doseHistories();
const rows = [...boundaryRows, ...histories];
const compiled = trials.map((t) => compileRules(t, dict));
const js = compiled.map((c) => rows.map((r) => screenOutcomes(c, r, r.referenceDates ?? {})));

test.each(BOUNDARY.map(([d, ref, date, setBy, outcome], k) => ({ duration: formatDuration(d), ref, date, setBy, outcome, k, t: DURATIONS.indexOf(d) })))('for $duration by $ref, a dose set on $date (at the $setBy): $outcome', ({ outcome, k, t }) => {
  expect(js[t]?.[k]?.criteria[0]?.outcome).toBe(outcome);
});

// A dose entry without an amount cannot be compared: which amount to collect (the SQL names the same).
test.each([
  ['the current dose and one in the window without an amount: the current one', [undefined, undefined], '2025-01-01'],
  ['only the current dose without an amount', [undefined, 20], '2025-01-01'],
  ['only the one in the window without an amount', [15, undefined], '2026-10-01'],
])('%s', (_name, [current, later], date) => {
  const doses = [{ date: '2025-01-01', unit: 'mg/week', ...(current ? { dose: current } : {}) }, { date: '2026-10-01', unit: 'mg/week', ...(later ? { dose: later } : {}) }];
  const record = parsePatientData({ id: 'A', referenceDates: { screening: '2026-11-16' }, medications: [{ drug: 'methotrexate', start: '2025-01-01', ongoing: true, doses }] }, 'A', dict).record;
  const result = screenOutcomes(compiled[0] as CompiledTrial, record, { screening: '2026-11-16' });
  expect(result.criteria[0]?.outcome).toBe('unknown');
  expect(result.missing).toEqual([{ field: 'medications[0].doses', need: { kind: 'doseAmount', date } }]);
});

test('the dose histories reach every outcome and every kind of missing entry, for every duration', () => {
  for (const [t, results] of js.entries()) {
    const of = results.slice(boundaryRows.length);
    expect([...new Set(of.map((r) => r.criteria[0]?.outcome))].sort(), flow(DURATIONS[t] as Duration)).toEqual(['met', 'not_met', 'unknown']);
    const needs = new Set(of.flatMap((r) => r.missing.map((m) => `${m.field.replace(/\[\d+\]/, '[]')}${'need' in m && m.need ? ` ${m.need.kind}` : ''}`)));
    expect([...needs].sort()).toEqual(['medications[].doses', 'medications[].doses doseAmount', 'medications[].doses doseOn', 'medications[].doses sameUnit', 'medications[].start', 'medications[].stop', 'referenceDates.screening']);
  }
});

test('property: on a course with one unchanged dose, stableDose and takenFor agree (any duration, month ends, leap days)', () => {
  const pairs = new Map<string, [CompiledTrial, CompiledTrial]>();
  const pairFor = (d: Duration): [CompiledTrial, CompiledTrial] => {
    const key = flow(d);
    let pair = pairs.get(key);
    if (!pair) {
      const takenFor = oneCriterionTrial('TF', `taken for ${formatDuration(d)}`, onAMedication(`{ kind: takenFor, atLeast: ${key}, before: screening }`));
      pairs.set(key, (pair = [compileRules(stableDoseTrial(d, 0), dict), compileRules(takenFor, dict)]));
    }
    return pair;
  };
  const day = fc.integer({ min: toDayNumber('2020-01-01'), max: toDayNumber('2030-12-31') }).map(fromDayNumber);
  const monthEnd = fc.constantFrom('2026-02-28', '2026-03-01', '2026-05-31', '2026-05-30', '2027-02-28', '2028-02-29', '2024-02-29', '2026-03-31', '2026-04-30', '2026-12-31');
  const duration = fc
    .record({ years: fc.integer({ min: 0, max: 1 }), months: fc.integer({ min: 0, max: 14 }), weeks: fc.integer({ min: 0, max: 5 }), days: fc.integer({ min: 0, max: 40 }) })
    .map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v > 0)) as Duration)
    .filter((d) => Object.keys(d).length > 0);
  // The start a few days either side of the screening date less the duration (where counting
  // forward and back part), or anywhere within a year and a half of it.
  const offset = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -550, max: 550 }));
  const end = fc.constantFrom('ongoing', 'unrecorded', 'stopped the day before', 'stopped that day', 'stopped the day after');
  fc.assert(
    fc.property(fc.oneof(day, monthEnd), duration, offset, end, (ref, d, o, e) => {
      const start = fromDayNumber(toDayNumber(shift(ref, d, -1)) + o);
      const stop = { 'stopped the day before': -1, 'stopped that day': 0, 'stopped the day after': 1 }[e as string];
      const stopDate = stop === undefined ? undefined : fromDayNumber(toDayNumber(ref) + stop);
      const ends = e === 'ongoing' ? { ongoing: true } : stopDate && stopDate >= start ? { stop: stopDate } : {};
      const patient = { id: 'P', referenceDates: { screening: ref }, medications: [{ drug: 'methotrexate', start, ...ends, doses: [{ date: start, dose: 15, unit: 'mg/week' }] }] };
      const record = parsePatientData(patient, 'P', dict).record;
      const [stable, taken] = pairFor(d).map((c) => screenOutcomes(c, record, { screening: ref }).criteria[0]?.outcome);
      expect(stable, `stableDose vs takenFor for ${flow(d)} by ${ref}, started ${start}, ${e}`).toBe(taken);
    }),
    { seed: 1130, numRuns: 1000 },
  );
});

/** Every disagreement of the SQL with the JS engine (outcome, missing entries) and with the boundary table. */
async function sqlDisagreements(dialect: Dialect, all: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const [t, trial] of trials.entries()) {
    const got = await all(compileTrial(trial, dict, dialect).sql);
    problems.push(...(await disagreements(trial, rows, dialect, async () => got, (r) => `screening ${r.referenceDates?.screening ?? '-'}, ${JSON.stringify(r.medications)}`)));
    BOUNDARY.forEach((row, k) => {
      if (row[0] === DURATIONS[t] && got[k]?.X1 !== row[4]) problems.push(`boundary row ${k} (${flow(row[0])} by ${row[1]}, dose from ${row[2]}): want ${row[4]}, SQL ${String(got[k]?.X1)}`);
    });
  }
  return problems.slice(0, 10);
}

inEachEngine(rows, 'each duration: the SQL agrees with the JS engine on the outcome and the missing entries, and with the boundary table', sqlDisagreements);

// fromStart (IM101-611 I6, every record of a background drug): a record started inside the window is
// read from its start, a change of its own dose after it failing; started before it, as without.
// Screening 2026-12-01: 4 weeks from 2026-11-03 are reached by it.
const FROM_START: [string, Record<string, unknown>, string, unknown[]][] = [
  ['started before the window, unchanged', { start: '2024-09-01', ongoing: true, doses: [{ date: '2024-09-01', dose: 20, unit: 'mg/week' }] }, 'met', []],
  ['started before the window, changed in it', { start: '2024-09-01', ongoing: true, doses: [{ date: '2024-09-01', dose: 20, unit: 'mg/week' }, { date: '2026-11-20', dose: 25, unit: 'mg/week' }] }, 'not_met', []],
  ['started on the window\'s first day', { start: '2026-11-03', ongoing: true, doses: [{ date: '2026-11-03', dose: 20, unit: 'mg/week' }] }, 'met', []],
  ['started the day after, unchanged', { start: '2026-11-04', ongoing: true, doses: [{ date: '2026-11-04', dose: 20, unit: 'mg/week' }] }, 'met', []],
  ['started in the window, changed after its start', { start: '2026-11-10', ongoing: true, doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }, { date: '2026-11-20', dose: 30, unit: 'mg/week' }] }, 'not_met', []],
  ['started in the window, changed on the screening date', { start: '2026-11-10', ongoing: true, doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }, { date: '2026-12-01', dose: 30, unit: 'mg/week' }] }, 'not_met', []],
  ['started in the window, its first dose dated after its start', { start: '2026-11-10', ongoing: true, doses: [{ date: '2026-11-15', dose: 25, unit: 'mg/week' }] }, 'unknown', [{ field: 'medications[0].doses', need: { kind: 'doseOn', date: '2026-11-10' } }]],
  ['started in the window, no doses', { start: '2026-11-10', ongoing: true }, 'unknown', [{ field: 'medications[0].doses' }]],
  ['started in the window, a later entry without an amount', { start: '2026-11-10', ongoing: true, doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }, { date: '2026-11-20', unit: 'mg/week' }] }, 'unknown', [{ field: 'medications[0].doses', need: { kind: 'doseAmount', date: '2026-11-20' } }]],
  ['started in the window, a later entry in another unit', { start: '2026-11-10', ongoing: true, doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }, { date: '2026-11-20', dose: 25, unit: 'mg' }] }, 'unknown', [{ field: 'medications[0].doses', need: { kind: 'sameUnit' } }]],
  ['started in the window, stopped before the screening date', { start: '2026-11-10', stop: '2026-11-30', doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }] }, 'not_met', []],
  ['started on the screening date', { start: '2026-12-01', ongoing: true, doses: [{ date: '2026-12-01', dose: 25, unit: 'mg/week' }] }, 'met', []],
  ['start not recorded', { ongoing: true, doses: [{ date: '2026-11-10', dose: 25, unit: 'mg/week' }] }, 'unknown', [{ field: 'medications[0].start' }]],
];
const fromStartTrials = [{ weeks: 4 }, M3].map((d, k) => oneCriterionTrial(`SDS-${k}`, `stable dose for ${formatDuration(d)} read from a start inside`, onAMedication(`{ kind: stableDose, for: ${flow(d)}, before: screening, fromStart: true }`)));
const fromStartRows = FROM_START.map(([, med], k) => parsePatientData({ id: `S${k}`, referenceDates: { screening: '2026-12-01' }, medications: [{ drug: 'methotrexate', ...med }] }, `S${k}`, dict).record);

test.each(FROM_START.map(([name, , outcome, missing], k) => ({ name, outcome, missing, k })))('fromStart, 4 weeks by 2026-12-01: $name: $outcome', ({ outcome, missing, k }) => {
  const result = screenOutcomes(compileRules(fromStartTrials[0] as Trial, dict), fromStartRows[k] as PatientRecord, { screening: '2026-12-01' });
  expect(result.criteria[0]?.outcome).toBe(outcome);
  expect(result.missing).toEqual(missing);
});

test('without fromStart, a record started inside the window fails', () => {
  const plain = compileRules(stableDoseTrial({ weeks: 4 }, 9), dict);
  expect(screenOutcomes(plain, fromStartRows[3] as PatientRecord, { screening: '2026-12-01' }).criteria[0]?.outcome).toBe('not_met');
});

const fromStartAll = [...fromStartRows, ...histories];
inEachEngine(fromStartAll, 'fromStart: the SQL agrees with the JS engine on the outcome and the missing entries (the table and the dose histories)', async (dialect, all) => {
  const problems: string[] = [];
  for (const trial of fromStartTrials) problems.push(...(await disagreements(trial, fromStartAll, dialect, all, (r) => `screening ${r.referenceDates?.screening ?? '-'}, ${JSON.stringify(r.medications)}`)));
  return problems.slice(0, 10);
});
