// stableDose on its own, one trial per duration (so its outcome and missing entries are compared,
// not a criterion's merged ones): seeded dose histories around each duration's window, on which the
// SQL of both engines agrees with the JS engine on the outcome and the missing entries.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenedRow } from '../../src/batch/batch-row.js';
import type { Trial } from '../../src/criteria/load-trial.js';
import { formatDuration, fromDayNumber, latestStartFor, shift, toDayNumber, type Duration } from '../../src/engine/dates.js';
import { compileTrial as compileRules, screenOutcomes, type CompiledTrial } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { DUCKDB, POSTGRES, type Dialect } from '../../src/sql/dialect.js';
import { compileTrial } from '../../src/sql/query.js';
import { criteriaSet } from '../helpers/screening.js';
import { prng } from '../helpers/prng.js';
import { laidOut, loadedDuckDb, loadedPostgres, oneCriterionTrial } from './one-criterion.js';

const dict = criteriaSet.dictionary;
const flow = (d: Duration) => `{ ${Object.entries(d).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
const onAMedication = (leaf: string) => `{ kind: exists, records: medications, where: ${leaf} }`;
const stableDoseTrial = (d: Duration, k: number) => oneCriterionTrial(`SD-${k}`, `stable dose for ${formatDuration(d)}`, onAMedication(`{ kind: stableDose, for: ${flow(d)}, before: screening }`));

const I5 = { months: 3, days: 1 };
const M3 = { months: 3 };
const M1D3 = { months: 1, days: 3 };
const DURATIONS: Duration[] = [I5, M3, M1D3, { weeks: 4 }, { years: 1, months: 1, days: 1 }];
const trials: Trial[] = DURATIONS.map(stableDoseTrial);

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

const rows = doseHistories();
const compiled = trials.map((t) => compileRules(t, dict));
const js = compiled.map((c) => rows.map((r) => screenOutcomes(c, r, r.referenceDates ?? {})));

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
  for (const [t, of] of js.entries()) {
    expect([...new Set(of.map((r) => r.criteria[0]?.outcome))].sort(), flow(DURATIONS[t] as Duration)).toEqual(['met', 'not_met', 'unknown']);
    const needs = new Set(of.flatMap((r) => r.missing.map((m) => `${m.field.replace(/\[\d+\]/, '[]')}${'need' in m && m.need ? ` ${m.need.kind}` : ''}`)));
    expect([...needs].sort()).toEqual(['medications[].doses', 'medications[].doses doseAmount', 'medications[].doses doseOn', 'medications[].doses sameUnit', 'medications[].start', 'medications[].stop', 'referenceDates.screening']);
  }
});

/** Every disagreement of the SQL with the JS engine (outcome, missing entries). */
async function disagreements(dialect: Dialect, all: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const [t, trial] of trials.entries()) {
    const got = await all(compileTrial(trial, dict, dialect).sql);
    if (got.length !== rows.length) problems.push(`${trial.meta.title}: SQL returned ${got.length} rows for ${rows.length} patients`);
    rows.forEach((r, i) => {
      const want = screenedRow(i + 1, trial.meta, null, js[t]?.[i] as ReturnType<typeof screenOutcomes>, [], true);
      const g = got[i] ?? {};
      const where = `${trial.meta.title}, screening ${r.referenceDates?.screening ?? '-'}, ${JSON.stringify(r.medications)}`;
      const jsOutcome = (want.outcomes as Record<string, string>).X1;
      if (jsOutcome !== g.X1) problems.push(`${where} X1: JS "${jsOutcome}", SQL "${String(g.X1)}"`);
      if (want.missing.join(';') !== (g.missing ?? '')) problems.push(`${where} missing: JS "${want.missing.join(';')}", SQL "${String(g.missing)}"`);
    });
  }
  return problems.slice(0, 10);
}

describe.each([
  ['DuckDB', DUCKDB, () => loadedDuckDb(rows)],
  ['PostgreSQL', POSTGRES, () => loadedPostgres(laidOut(rows))],
] as const)('%s', (_name, dialect, load) => {
  let db: { all(sql: string): Promise<Record<string, unknown>[]>; close(): unknown } | undefined;
  beforeAll(async () => {
    db = await load();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  test('each duration: the SQL agrees with the JS engine on the outcome and the missing entries', async () => {
    expect(await disagreements(dialect, (sql) => (db as NonNullable<typeof db>).all(sql))).toEqual([]);
  }, 60_000);
});
