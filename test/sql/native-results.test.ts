// The native CSV path's compact result reading (src/sql/native-results.ts): every outcome, the
// verdict, review ids, missing fields, the patient id and the row's warnings come back as SQL gave them, also for a
// trial with more criteria than one number holds (no real trial has more than 25 yet); a verdict
// its outcomes do not give, or an outcome SQL should never give, stops the run.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Trial } from '../../src/criteria/load-trial.js';
import { decideVerdict, effectOf } from '../../src/engine/evaluate.js';
import { OUTCOMES, type Outcome } from '../../src/engine/logic.js';
import { decodeMissing } from '../../src/sql/missing.js';
import { lit, q } from '../../src/sql/kit.js';
import { pack, resultReader } from '../../src/sql/native-results.js';
import { WARNING_SEPARATOR } from '../../src/sql/native-accept.js';
import { trial } from '../helpers/screening.js';

let instance: DuckDBInstance;
let db: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  db = await instance.connect();
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

/** IM101-611's criteria three times over (57, so three numbers a row), ids made unique. */
const base = trial('IM101-611');
const big: Trial = { ...base, criteria: [0, 1, 2].flatMap((n) => base.criteria.map((c) => ({ ...c, id: `${c.id}-${n}` }))) };

type Row = { id: string | null; outcomes: Outcome[]; verdict: string; review: string | null; missing: string | null; warnings?: readonly string[]; errors?: readonly string[] };

/**
 * res0 as the trial's packed query lays it out (its outcomes and verdict by name, packed by `pack`
 * as the query packs them: a name it does not know packs to NULL), and stage's warnings, from these
 * rows (row_no 1, 2, …).
 */
async function resTable(t: Trial, rows: Row[]) {
  const list = (l: readonly string[] | undefined) => (l?.length ? lit(l.join(WARNING_SEPARATOR)) : 'NULL::VARCHAR');
  await db.run(`CREATE OR REPLACE TABLE stage AS SELECT * FROM (VALUES ${rows.map((r, i) => `(${i + 1}, ${list(r.warnings)}, ${list(r.errors)})`).join(', ')}) t(row_no, warnings, errors)`);
  await db.run(`CREATE OR REPLACE TABLE named (row_no INTEGER, patient_id VARCHAR, verdict VARCHAR, review VARCHAR, missing VARCHAR, ${t.criteria.map((c) => `${q(c.id)} VARCHAR`).join(', ')})`);
  const value = (v: string | null) => (v === null ? 'NULL' : lit(v));
  await db.run(`INSERT INTO named VALUES ${rows.map((r, i) => `(${i + 1}, ${value(r.id)}, ${lit(r.verdict)}, ${value(r.review)}, ${value(r.missing)}, ${r.outcomes.map(lit).join(', ')})`).join(', ')}`);
  const place = (column: string, names: readonly string[]) => `(CASE ${column} ${names.map((n, i) => `WHEN ${lit(n)} THEN ${i}`).join(' ')} END)`;
  const packed = pack(place('verdict', ['eligible', 'ineligible', 'undetermined']), t.criteria.map((c) => place(q(c.id), OUTCOMES)));
  await db.run(`CREATE OR REPLACE TABLE res0 AS SELECT row_no, patient_id, review, missing, ${packed.map((x, j) => `${x} AS packed${j}`).join(', ')} FROM named`);
}

async function readBack(t: Trial, n: number, wide = false) {
  const reader = resultReader([t], wide);
  const result = await db.run(reader.sql(1, n));
  return [...reader.rows(result.getChunk(0).getColumnVector(0).getItem(0) as string)];
}

const verdictOf = (t: Trial, outcomes: Outcome[]) => decideVerdict(t.criteria.map((c, i) => ({ effect: effectOf(c.type, outcomes[i] as Outcome) })));

test('outcomes, verdict, review ids, missing fields and ids come back as SQL gave them (57 criteria, 150 seeded rows)', async () => {
  const rowArb = fc.record({
    id: fc.constantFrom(null, '', 'P-1', 'a much longer patient id with spaces'),
    outcomes: fc.array(fc.constantFrom(...OUTCOMES), { minLength: big.criteria.length, maxLength: big.criteria.length }),
    review: fc.constantFrom(null, 'I4-adjudication', 'I5-investigator;P1-protocol'),
    missing: fc.constantFrom(null, 'labs.ck', 'diagnosis.date;labs.alt (a result from 2026-08-01 to 2026-11-01)'),
    warnings: fc.constantFrom([], ['diagnosis.date: 2026-11-17 is after the screening date 2026-11-16'], ['procedures.2.date: 2026-12-08 is after the consent date 2026-11-10', 'medications.1.start: 2026-11-11 is after the consent date 2026-11-10']),
  });
  const rows: Row[] = fc.sample(rowArb, { seed: 16, numRuns: 150 }).map((r) => ({ ...r, verdict: verdictOf(big, r.outcomes) }));
  await resTable(big, rows);
  const got = await readBack(big, rows.length, true);
  expect(got).toHaveLength(rows.length);
  got.forEach((g, i) => {
    const want = rows[i] as Row;
    if (!('results' in g)) throw new Error(`row ${g.row} came back as an error row`);
    const result = g.results[0];
    expect(g.row).toBe(i + 1);
    expect(g.patientId).toBe(want.id);
    expect(g.warnings).toEqual(want.warnings);
    expect(result?.verdict).toBe(want.verdict);
    expect(result?.criteria.map((c) => c.outcome)).toEqual(want.outcomes);
    expect(result?.columns.outcomes).toEqual(Object.fromEntries(big.criteria.map((c, k) => [c.id, want.outcomes[k]])));
    expect(result?.review).toEqual(want.review ? want.review.split(';') : []);
    expect(result?.missing).toEqual(decodeMissing(want.missing));
  });
});

test.each([
  ['a verdict its outcomes do not give', (r: Row) => ({ ...r, verdict: r.verdict === 'eligible' ? 'ineligible' : 'eligible' }), /disagrees with its outcomes/],
  ['an outcome SQL never gives', (r: Row) => ({ ...r, outcomes: ['maybe' as Outcome, ...r.outcomes.slice(1)] }), /no outcomes of trial IM101-611/],
])('%s stops the run', async (_, change, message) => {
  const outcomes = base.criteria.map(() => 'met' as Outcome);
  const row: Row = { id: 'P-1', outcomes, verdict: verdictOf(base, outcomes), review: null, missing: null };
  await resTable(base, [row, change(row)]);
  await expect(readBack(base, 2)).rejects.toThrow(message);
});

test('a row SQL found in error comes back as its problems, each located, its results and warnings unused', async () => {
  const outcomes = base.criteria.map(() => 'met' as Outcome);
  const ok: Row = { id: 'P-1', outcomes, verdict: verdictOf(base, outcomes), review: null, missing: null };
  const errors = ['medications.2.stop: "2025-05-14" is before the start date', 'medications.1.doses.2.date: "2025-05-01" is before the start date'];
  await resTable(base, [ok, { ...ok, id: null, errors, warnings: ['diagnosis.date: 2026-11-17 is after the screening date 2026-11-16'] }, ok]);
  const got = await readBack(base, 3);
  expect(got.map((g) => ('problems' in g ? g : g.row))).toEqual([
    1,
    {
      row: 2,
      ok: false,
      patientId: null,
      problems: [
        { location: 'medications.2.stop', message: '"2025-05-14" is before the start date' },
        { location: 'medications.1.doses.2.date', message: '"2025-05-01" is before the start date' },
      ],
    },
    3,
  ]);
});
