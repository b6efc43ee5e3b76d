// The native CSV path of `screen batch --engine duckdb` (src/sql/native-batch.ts, native-accept.ts):
// what SQL accepts, JS accepts with no warning but the dates after screening SQL words the same,
// and lays out the same (a property over nasty cells); and end to end, the same bytes as --engine
// js on crafted files covering each fallback, with the native path taken exactly where it should
// be; the cell types of the range file. Ranges, a generated population and the process around the
// path: native-pipeline.test.ts.
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveReferenceDates } from '../../src/engine/reference-dates.js';
import type { ReferenceDates } from '../../src/engine/result.js';
import { resolveHeader } from '../../src/batch/read-rows.js';
import { parseCsvRow } from '../../src/patient/csv-row.js';
import { reviewKeyWarnings } from '../../src/patient/review-keys.js';
import { lit } from '../../src/sql/kit.js';
import { layoutTables, quoteIdent, recordRows, type TableRows } from '../../src/sql/layout.js';
import { ACCEPT_MACROS, DATE_FORM, atMost, cellColumn, nativePlan, WARNING_SEPARATOR } from '../../src/sql/native-accept.js';
import { inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../../src/engine/dates.js';
import { formatProblem } from '../../src/errors.js';
import type { FieldDef } from '../../src/criteria/dictionary-schema.js';
import { EXIT_ROW_ERRORS } from '../../src/cli/commands/batch.js';
import { NASTY, TRIALS, bad, base, dict, header, line, lines, native, nativeFiles, nativeShare, rows, trials } from './native-fixtures.js';

const { write, sameBothWays } = nativeFiles();

let db: DuckDBConnection;
let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  db = await instance.connect();
  for (const m of ACCEPT_MACROS) await db.run(m);
  // As the native path sets it for its whole run (native-batch.ts): with the IN-list rewriting,
  // DuckDB took about a second to plan each batch's staging statement (a few hundred columns).
  await db.run("SET GLOBAL disabled_optimizers = 'in_clause'");
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

/** Dates around the examples' screening date (2026-11-16), for a column of dates. */
const NEAR_SCREENING = ['2026-11-15', '2026-11-16', '2026-11-17', '2026-12-08'];

/** The columns of dates of past events (a warning when after screening). */
const pastDates = new Set(
  resolveHeader(header, dict, 'test').header.targets.flatMap((t, at) => {
    const def = t?.kind === 'field' && t.part === undefined ? dict.fields.get(t.path) : t?.kind === 'item' ? (dict.fields.get(t.records) as { item: Record<string, { type: string; past?: boolean }> }).item[t.item] : undefined;
    return def?.type === 'date' && def.past && !('beforeReferenceDates' in def && def.beforeReferenceDates) ? [at] : [];
  }),
);

/** A cell: the column's own value, another example's, empty, or a nasty one. */
function cellArb(at: number): fc.Arbitrary<string> {
  const own = [...new Set(rows.map((r) => r[at] as string))];
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...own) }, { weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...NASTY) });
}

/** A row: an example with a few cells changed, often one date of a past event near screening. */
const rowArb = fc
  .tuple(fc.nat(rows.length - 1), fc.array(fc.tuple(fc.nat(header.length - 1), fc.nat(1000)), { maxLength: 6 }), fc.array(fc.tuple(fc.constantFrom(...pastDates), fc.constantFrom(...NEAR_SCREENING)), { maxLength: 1 }))
  .chain(([base, changes, near]) =>
    fc.tuple(...changes.map(([at]) => cellArb(at))).map((values) => {
      const cells = [...(rows[base] as string[])];
      changes.forEach(([at], i) => (cells[at] = values[i] as string));
      for (const [at, date] of near) cells[at] = date;
      return cells;
    }),
  );

type Cell = string | number | boolean | null;
const norm = (v: unknown): Cell => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'bigint' ? Number(v) : (v as Cell));
const key = (r: Cell[]) => JSON.stringify(r);

/** The layout SQL builds from these rows, and which rows it took. */
async function sqlLayout(cells: string[][], flags: ReferenceDates): Promise<{ taken: Map<number, { warnings: string[]; errors: string[] }>; tables: TableRows }> {
  const info = resolveHeader(header, dict, 'test');
  const plan = nativePlan(info.header, dict, flags, { trials, trialIds: TRIALS });
  if (!plan) throw new Error('no plan');
  // As the native path does: JS checks each row's cells have their forms, SQL the rest. The native
  // path checks the whole line; the same, and a cell too many or too few fails it.
  for (const c of cells) {
    if (c.some((x) => x.includes(','))) continue;
    expect(plan.line.test(c.join(',')), c.join(',')).toBe(plan.cells(c));
    expect(plan.line.test([...c, ''].join(','))).toBe(false);
    expect(plan.line.test(c.slice(1).join(','))).toBe(false);
  }
  const formed = cells.map((c, i) => [i + 1, c] as const).filter(([, c]) => plan.cells(c));
  const values = formed.map(([i, c]) => `(${i}, [${c.map(lit).join(', ')}]::VARCHAR[])`).join(', ');
  // Each cell as the range file's reader reads it: as its type, NULL when empty.
  const cell = (i: number) => `CAST(NULLIF(c[${i + 1}], '') AS ${plan.cellTypes[i]})`;
  await db.run(`CREATE OR REPLACE TEMP TABLE cells AS SELECT row_no, ${header.map((_, i) => `${cell(i)} AS ${cellColumn(i)}`).join(', ')} FROM (VALUES ${values || `(0, []::VARCHAR[])`}) t(row_no, c) WHERE row_no > 0`);
  await db.run(plan.stage('cells'));
  for (const sql of [...plan.load(), plan.patients]) await db.run(sql);
  const layout = layoutTables(dict);
  const staged = (await (await db.runAndReadAll('SELECT row_no, warnings, errors FROM stage')).getRowObjectsJS()) as { row_no: number; warnings: string | null; errors: string | null }[];
  const list = (text: string | null) => (text === null ? [] : text.split(WARNING_SEPARATOR));
  const taken = new Map(staged.map((r) => [r.row_no, { warnings: list(r.warnings), errors: list(r.errors) }]));
  const tables: TableRows = new Map();
  for (const t of layout) {
    const got = (await (await db.runAndReadAll(`SELECT * FROM ${quoteIdent(t.name)}`)).getRowObjectsJS()) as Record<string, unknown>[];
    if (got.length) tables.set(t.name, got.map((r) => t.columns.map((c) => norm(r[c.name]))));
  }
  return { taken, tables };
}

test.each([',', ';', '\t', '|'])('delimiter %j: the whole-line expression agrees with the cell-by-cell one, and any line with a cell too many or too few fails it', (d) => {
  const plan = nativePlan(resolveHeader(header, dict, 'test').header, dict, {}, { trials, trialIds: TRIALS }, d);
  if (!plan) throw new Error('no plan');
  // Rows with a list of several codes too (in a ';' file such a cell is two cells).
  const list = header.indexOf('antibodies.positive');
  expect(list).toBeGreaterThanOrEqual(0);
  const lists = rows.map((r) => r.map((c, i) => (i === list ? 'jo1;pl7' : c)));
  let taken = 0;
  for (const c of [...rows, ...lists]) {
    const line = c.join(d);
    if (!c.some((x) => x.includes(d))) {
      expect(plan.line.test(line), line).toBe(plan.cells(c));
      if (plan.cells(c)) taken += 1;
    }
    // Every cell doubled in turn, or left out: one cell too many or too few.
    for (let i = 0; i < c.length; i++) {
      expect(plan.line.test([...c.slice(0, i + 1), ...c.slice(i)].join(d)), `cell ${i} doubled`).toBe(false);
      expect(plan.line.test([...c.slice(0, i), ...c.slice(i + 1)].join(d)), `cell ${i} left out`).toBe(false);
    }
  }
  expect(taken).toBeGreaterThan(0);
});

test('what SQL accepts, JS accepts with no warning but the dates after screening SQL words the same, and lays out the same, or refuses with the errors SQL words the same (rows of nasty cells)', async () => {
  const layout = layoutTables(dict);
  let accepted = 0;
  let warned = 0;
  let errors = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(rowArb, { minLength: 40, maxLength: 60 }), fc.constantFrom<ReferenceDates>({}, { screening: '2026-11-16' }, { randomization: '2026-01-01' }), async (batch, flags) => {
      const { taken, tables } = await sqlLayout(batch, flags);
      const info = resolveHeader(header, dict, 'test');
      const expected: TableRows = new Map();
      for (const [i, cells] of batch.entries()) {
        if (!taken.has(i + 1)) {
          refused += 1;
          continue;
        }
        accepted += 1;
        const r = parseCsvRow(info.header, cells, dict, { referenceDates: flags });
        const sql = taken.get(i + 1) as { warnings: string[]; errors: string[] };
        // An error row SQL takes (a stop or a dose before its start): JS's problems, and no layout rows compared.
        expect(r.ok ? [] : r.problems.map(formatProblem), `row ${i + 1}: ${JSON.stringify(cells)}`).toEqual(sql.errors);
        if (!r.ok) {
          errors += 1;
          for (const [name, rs] of tables) tables.set(name, rs.filter((row) => row[0] !== i + 1));
          continue;
        }
        const warnings = [...r.parsed.warnings, ...reviewKeyWarnings(r.parsed.record, '', trials, TRIALS)].map(formatProblem);
        expect(sql.warnings, `row ${i + 1}: ${JSON.stringify(cells)}`).toEqual(warnings);
        if (warnings.length) warned += 1;
        recordRows(dict, layout, r.parsed.record, i + 1, resolveReferenceDates(r.parsed.record.referenceDates, flags).dates, expected);
      }
      for (const t of layout) {
        const want = (expected.get(t.name) ?? []).map((r) => key(r.map(norm))).sort();
        const got = (tables.get(t.name) ?? []).map(key).sort();
        expect(got, t.name).toEqual(want);
      }
    }),
    // (Eight runs: the examples with a list completeness entry are always the JS path's.)
    { seed: 16, numRuns: 8 },
  );
  // Neither side may be empty, or the property says nothing.
  expect(accepted).toBeGreaterThan(50);
  expect(refused).toBeGreaterThan(50);
  expect(warned).toBeGreaterThan(3);
  expect(errors).toBeGreaterThan(3);
}, 120_000);

// Files the JS reader reads differently from a plain split: DuckDB leaves them to today's path
// (whose output test/sql/cli.test.ts holds to --engine js).
test.each([
  ['an empty line between rows (JS names the lines a later ragged row spans)', `${lines([header, ...base.slice(0, 3)])}\n\n${lines(base.slice(3))}\n`],
  ['a quoted cell', `${lines([header, ...base])}\n"${base[0]?.[0]}",${base[0]?.slice(1).join(',')}\n`],
  ['a lone carriage return', `${lines([header, ...base])}\n${line(base[0] as string[])}\rx\n`],
  ['mixed line endings', `${lines([header, ...base.slice(0, 3)], '\r\n')}\r\n${lines(base.slice(3))}\n`],
  ['a NUL byte', `${lines([header, ...base])}\n\u0000\n`],
  ['not UTF-8', Buffer.concat([Buffer.from(`${lines([header, ...base])}\n`), Buffer.from([0xff, 0x0a])])],
  ['empty', ''],
])('%s: read by the JS path', async (name, text) => {
  expect(await native(write(`${name.replace(/\W+/g, '-')}.csv`, text))).toBe(false);
});

test('a date cell has its form exactly when JS reads it as a real day in the years it accepts: every YYYY-MM-DD of months 00-13 and days 00-32 in and around those years', () => {
  const form = new RegExp(`^(?:${DATE_FORM})$`);
  const two = (n: number) => String(n).padStart(2, '0');
  let days = 0;
  for (const y of [0, 1000, 1899, 2101, 9999, ...Array.from({ length: MAX_YEAR - MIN_YEAR + 1 }, (_, i) => MIN_YEAR + i)]) {
    for (let m = 0; m <= 13; m++) {
      for (let d = 0; d <= 32; d++) {
        const s = `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
        const js = isValidIsoDate(s) && inDateRange(s);
        if (form.test(s) !== js) throw new Error(`${s}: the form says ${!js}, JS ${js}`);
        if (js) days += 1;
      }
    }
  }
  // Every day of the years, 29 February in the leap ones only (1900 and 2100 are not, 2000 is).
  expect(days).toBe(Array.from({ length: MAX_YEAR - MIN_YEAR + 1 }, (_, i) => MIN_YEAR + i).reduce((n, y) => n + ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365), 0));
  expect(['1900-02-29', '2000-02-29', '2100-02-29', '2024-02-29', '2023-02-29', '2026-04-31', '2026-12-31'].map((s) => form.test(s))).toEqual([false, true, false, true, false, false, true]);
});

test('a number cell with a whole upper bound has its form exactly when its value is at most the bound (exact decimal comparison), with leading zeros and fractions', () => {
  const his = [0, 1, 3, 9, 10, 99, 100, 101, 150, 1000, 100_000, 1_000_000, 1e9, Number.MAX_SAFE_INTEGER];
  const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
  // Near a bound: its digits with one changed, a zero led, a fraction added.
  const cell = fc.oneof(digits(1, 18), fc.constantFrom(...his).chain((h) => fc.tuple(fc.constant(String(h)), fc.nat(20), digits(0, 3)).map(([t, i, z]) => `${'0'.repeat(i % 3)}${t.slice(0, i % (t.length + 1))}${z}`).filter((x) => x !== '')));
  const exactlyAtMost = (s: string, hi: number) => {
    const [int = '', frac = ''] = s.split('.');
    const n = BigInt(int);
    return n < BigInt(hi) || (n === BigInt(hi) && /^0*$/.test(frac));
  };
  fc.assert(
    fc.property(fc.constantFrom(...his), cell, fc.option(digits(1, 4), { nil: undefined }), (hi, int, frac) => {
      const s = frac === undefined ? int : `${int}.${frac}`;
      expect(new RegExp(`^(?:${atMost(hi, true)})$`).test(s)).toBe(exactlyAtMost(s, hi));
      expect(new RegExp(`^(?:${atMost(hi, false)})$`).test(s)).toBe(frac === undefined && exactlyAtMost(s, hi));
    }),
    { numRuns: 3000, seed: 1616 },
  );
  expect(['150', '150.000', '0150', '149.99', '150.01', '151', '1500'].map((s) => new RegExp(`^(?:${atMost(150, true)})$`).test(s))).toEqual([true, true, true, true, false, false, false]);
});

// The file is checked for UTF-8 a mebibyte at a time: a character cut by a read's end is whole
// with the next read's start, a bad sequence so cut is still bad.
test.each([
  ['a character of four bytes', true, Buffer.from('😀')],
  ['a character of two bytes', true, Buffer.from('é')],
  ['a lead byte without its second byte', false, Buffer.from([0xc3, 0x28])],
  ['a surrogate half written in UTF-8', false, Buffer.from([0xed, 0xa0, 0x80])],
])('%s across the first mebibyte: native %s', async (name, expected, char) => {
  const prefix = [`${lines([header])}\n`];
  let size = Buffer.byteLength(prefix[0] as string);
  for (let i = 0; size < (1 << 20) - 2000; i++) {
    const l = `${line(base[i % base.length] as string[])}\n`;
    prefix.push(l);
    size += Buffer.byteLength(l);
  }
  // The character's first byte is the mebibyte's last.
  const id = Buffer.concat([Buffer.from('x'.repeat((1 << 20) - 1 - size)), char]);
  const text = Buffer.concat([Buffer.from(prefix.join('')), id, Buffer.from(`,${(base[0] as string[]).slice(1).join(',')}\n`)]);
  expect(text.indexOf(char)).toBe((1 << 20) - 1);
  expect(await native(write(`${name.replace(/\W+/g, '-')}.csv`, text))).toBe(expected);
});

test('LF, a byte order mark, empty lines before the header and at the end: native, the same bytes as --engine js (--wide)', async () => {
  const file = write('plain.csv', `\uFEFF\n\n${lines([header, ...base])}\n\n\n`);
  // (The share for the trial compared below: each trial more is about a second of DuckDB planning.)
  expect((await nativeShare(file, ',', {}, ['IM101-611'])).sql).toBeGreaterThan(base.length / 2);
  await sameBothWays(file, ['--trial', 'IM101-611', '--wide']);
}, 60_000);

test('CRLF with ragged rows, bad and non-canonical values, duplicate ids, decisions and an unknown column: native, the same bytes', async () => {
  const changed = [
    bad(base[0] as string[], { 'demographics.birthDate': '2026-02-30' }),
    bad(base[1] as string[], { 'labs.ck.value': '1e3', 'assessments.mmt8.score': ' 5' }),
    bad(base[2] as string[], { 'labs.ck.unit': 'µkat/L', 'diagnosis.rashConfirmed': 'TRUE' }),
    bad(base[3] as string[], { 'medications.count': '9', 'referenceDates.screening': '2026-13-01' }),
    bad(base[4] as string[], { 'labs.ck.value': '-0', 'assessments.pga': '+1', id: '٣' }),
    bad(base[5] as string[], { 'reviews.IM101-611.I5-investigator.decision': 'maybe', 'reviews.IM101-611.I5-investigator.by': ' Dr A' }),
    (base[6] as string[]).slice(1),
    [...(base[7] as string[]), 'x', 'y', 'z'],
    ['   '],
  ];
  const withColumn = (r: string[]) => (r.length === header.length ? [...r, 'blue'] : r);
  const file = write('crlf.csv', `${lines([[...header, 'demographics.favouriteColour'], ...[...base, ...changed].map(withColumn)], '\r\n')}\r\n`);
  expect(await native(file)).toBe(true);
  // Refused before any row without --ignore-unknown-columns (exit 2), the same message.
  expect((await sameBothWays(file)).code).toBe(2);
  const r = await sameBothWays(file, ['--trial', 'NCT02347891', '--ignore-unknown-columns', '--as-of', '2026-11-16', '--format', 'json']);
  expect(r.code).toBe(EXIT_ROW_ERRORS);
  expect(r.stderr).toContain('also in row');
}, 60_000);

test('a ";" file whose row has a cell too many after a list of codes: a row error, as with --engine js', async () => {
  // DuckDB's reader drops empty cells past the last column; a list's ";" is this file's delimiter.
  const file = write('list-then-extra.csv', 'id;antibodies.positive;diagnosis.subtype\np1;jo1;mi2;\np2;jo1;pl7\np3;jo1;dm\n');
  const r = await sameBothWays(file, ['--trial', 'IM101-611', '--delimiter', ';']);
  expect(r.code).toBe(EXIT_ROW_ERRORS);
  expect(r.stdout).toContain('has 4 cells');
}, 60_000);

test('dates of past events after the latest reference date, and a stop or a dose before its start: screened in SQL with the warnings and errors --engine js gives, the same bytes in every format, trial and flag', async () => {
  const columns = ['id', 'referenceDates.screening', 'referenceDates.consent', 'referenceDates.randomization', 'demographics.birthDate', 'demographics.ageYears', 'demographics.ageOn', 'diagnosis.date'];
  const slots = ['procedures.1.type', 'procedures.1.date', 'procedures.2.type', 'procedures.2.date', 'medications.1.drug', 'medications.1.start', 'medications.1.stop', 'medications.1.ongoing', 'medications.2.drug', 'medications.2.start', 'medications.2.stop', ...[1, 2].flatMap((m) => ['date', 'dose', 'unit'].map((k) => `medications.1.doses.${m}.${k}`))];
  const cancers = ['malignancies.1.type', 'malignancies.1.diagnosisDate', 'malignancies.1.resolvedDate', 'malignancies.1.treatmentEndDate', 'malignancies.2.type', 'malignancies.2.diagnosisDate'];
  const names = [...columns, ...slots, ...cancers];
  const refs = (screening: string, consent: string, randomization: string) => ({ 'referenceDates.screening': screening, 'referenceDates.consent': consent, 'referenceDates.randomization': randomization });
  const visit = refs('2026-11-16', '2026-11-10', '2026-12-01');
  const dose = (m: number, date: string) => ({ 'medications.1.drug': 'prednisone', 'medications.1.start': '2025-06-01', [`medications.1.doses.${m}.date`]: date, [`medications.1.doses.${m}.dose`]: '10', [`medications.1.doses.${m}.unit`]: 'mg/day' });
  const all = (d: string, resolved = d) => ({ 'demographics.ageYears': '50', 'demographics.ageOn': d, 'diagnosis.date': d, 'procedures.1.type': 'emg', 'procedures.1.date': d, 'medications.1.drug': 'prednisone', 'medications.1.start': d, 'malignancies.1.type': 'other', 'malignancies.1.diagnosisDate': d, 'malignancies.1.resolvedDate': resolved, 'malignancies.1.treatmentEndDate': d });
  // [cells, whether SQL takes the row]
  const cases: [Record<string, string>, boolean][] = [
    // On the reference date: no warning; a day after: one per date, in the dictionary's order.
    [{ ...visit, ...all('2026-11-16') }, true],
    [{ ...visit, ...all('2026-11-17', '2026-11-18') }, true],
    // Slot 1 empty, slot 2 filled: located at slot 2, as written in the header.
    [{ ...visit, 'procedures.2.type': 'mri', 'procedures.2.date': '2026-12-08', 'medications.2.drug': 'methotrexate', 'medications.2.start': '2026-12-01', 'malignancies.2.type': 'basalCellSkin', 'malignancies.2.diagnosisDate': '2026-11-20' }, true],
    // No screening date: the earlier of consent and randomization (consent on a tie), else randomization.
    [{ ...refs('', '2026-11-10', '2026-12-01'), 'diagnosis.date': '2026-11-11', 'procedures.1.type': 'emg', 'procedures.1.date': '2026-11-10' }, true],
    [{ ...refs('', '', '2026-12-01'), 'diagnosis.date': '2026-12-02', 'medications.1.drug': 'prednisone', 'medications.1.start': '2026-12-03' }, true],
    [{ ...refs('', '2026-11-20', '2026-11-20'), 'diagnosis.date': '2026-11-21' }, true],
    [{ ...refs('2026-11-16', '2026-11-20', ''), 'diagnosis.date': '2026-11-18', 'demographics.birthDate': '1970-01-01' }, true],
    [{ ...refs('', '', ''), 'diagnosis.date': '2099-01-01' }, true],
    // With another warning (two records of one drug overlapping), or a problem: JS's.
    [{ ...visit, 'medications.1.drug': 'prednisone', 'medications.1.start': '2026-11-01', 'medications.1.ongoing': 'yes', 'medications.2.drug': 'prednisone', 'medications.2.start': '2026-11-20', 'medications.2.stop': '2026-11-25' }, false],
    [{ ...visit, 'demographics.birthDate': '2026-11-17' }, false],
    [{ ...visit, 'malignancies.1.type': 'other', 'malignancies.1.diagnosisDate': '2026-11-20', 'malignancies.1.resolvedDate': '2026-11-19' }, false],
    // A stop or a dose before its start (the row's only problem): an error row, its date after screening not warned of.
    [{ ...visit, 'medications.1.drug': 'prednisone', 'medications.1.start': '2026-11-20', 'medications.1.stop': '2026-11-18' }, true],
    [{ ...visit, 'medications.2.drug': 'methotrexate', 'medications.2.start': '2025-06-01', 'medications.2.stop': '2025-05-14' }, true],
    [{ ...visit, ...dose(2, '2025-05-01') }, true],
    [{ ...visit, ...dose(1, '2025-05-01'), 'medications.1.stop': '2025-05-31', 'medications.2.drug': 'methotrexate', 'medications.2.start': '2025-06-01', 'medications.2.stop': '2025-05-14' }, true],
    // With another problem: JS's (which reports the schema's problems only).
    [{ ...visit, ...dose(2, '2025-05-01'), 'medications.1.stop': '2025-05-31', 'medications.1.ongoing': 'yes' }, false],
    [{ ...refs('2026-11-16', '', '2026-11-01'), 'medications.1.drug': 'prednisone', 'medications.1.start': '2026-11-20', 'medications.1.stop': '2026-11-18' }, false],
    [{ ...visit, 'diagnosis.date': '2026-02-30', 'medications.1.drug': 'prednisone', 'medications.1.start': '2026-11-20', 'medications.1.stop': '2026-11-18' }, false],
  ];
  const file = write('future-dates.csv', `${lines([names, ...cases.map(([c], i) => names.map((n) => (n === 'id' ? `F${i + 1}` : (c[n] ?? ''))))])}\n`);
  const share = await nativeShare(file, ',', {}, ['IM101-611']);
  expect(share.jsRows).toEqual(cases.flatMap(([, sql], i) => (sql ? [] : [i + 1])));
  const r = await sameBothWays(file);
  for (const warning of [
    'F2,IM101-611,',
    'demographics.ageOn: 2026-11-17 is after the screening date 2026-11-16 | diagnosis.date: 2026-11-17 is after the screening date 2026-11-16 | procedures.1.date: 2026-11-17 is after the screening date 2026-11-16 | medications.1.start: 2026-11-17',
    'malignancies.1.resolvedDate: 2026-11-18 is after the screening date 2026-11-16 | malignancies.1.treatmentEndDate: 2026-11-17',
    'procedures.2.date: 2026-12-08 is after the screening date 2026-11-16 | medications.2.start: 2026-12-01 is after the screening date 2026-11-16 | malignancies.2.diagnosisDate: 2026-11-20',
    'diagnosis.date: 2026-11-11 is after the consent date 2026-11-10,',
    'diagnosis.date: 2026-12-02 is after the randomization date 2026-12-01 | medications.1.start: 2026-12-03 is after the randomization date 2026-12-01',
    'diagnosis.date: 2026-11-21 is after the consent date 2026-11-20,',
    'diagnosis.date: 2026-11-18 is after the screening date 2026-11-16,',
    'medications.2.start: 2026-11-20 is after the screening date 2026-11-16 | medications.2: overlaps prednisone',
    'F12,IM101-611,error,complete,,,,,,"medications.1.stop: ""2026-11-18"" is before the start date"',
    'F13,IM101-611,error,complete,,,,,,"medications.2.stop: ""2025-05-14"" is before the start date"',
    'F14,IM101-611,error,complete,,,,,,"medications.1.doses.2.date: ""2025-05-01"" is before the start date"',
    '"medications.1.stop: ""2025-05-31"" is before the start date | medications.1.doses.1.date: ""2025-05-01"" is before the start date | medications.2.stop: ""2025-05-14"" is before the start date"',
  ]) {
    expect(r.stdout).toContain(warning);
  }
  expect(r.stdout).not.toContain('2099-01-01 is after');
  expect(r.stdout.match(/2026-11-16 is after/g)).toBeNull();
  // The flags' dates win over the row's (a row's screening date after --as-of is an error).
  await sameBothWays(file, ['--trial', 'NCT02347891', '--format', 'ndjson', '--wide', '--as-of', '2026-11-18']);
  await sameBothWays(file, ['--trial', 'NCT04946669', '--consent', '2026-11-12', '--format', 'json']);
}, 60_000);

test.each([
  ['semicolon', ';'],
  ['tab', '\t'],
  ['bar', '|'],
])('a %s-separated file: native, most rows screened in SQL, the same bytes as --engine js', async (name, delimiter) => {
  const file = write(`${name}.csv`, `${[header, ...base].map((r) => r.join(delimiter)).join('\n')}\n`);
  const share = await nativeShare(file, delimiter, {}, ['IM101-611']);
  expect(share.sql + share.js).toBe(base.length);
  expect(share.sql).toBeGreaterThan(base.length / 2);
  await sameBothWays(file);
}, 60_000);

test('the range file types a cell only where its form makes the type certain: dates, and numbers of a bounded form; text, counts, and cells SQL never checks (a review date without its decision, a scale score without its maximum) stay text', () => {
  const typesOf = (names: string[]) => {
    const plan = nativePlan(resolveHeader(names, dict, 'test').header, dict, {}, { trials, trialIds: TRIALS });
    if (!plan) throw new Error('no plan');
    return Object.fromEntries(names.map((n, i) => [n, plan.cellTypes[i]]));
  };
  const names = ['id', 'referenceDates.screening', 'demographics.birthDate', 'demographics.ageYears', 'assessments.mmt8.score', 'assessments.mmt8.max', 'medications.count', 'medications.1.drug', 'medications.1.start', 'medications.1.doses.1.date', 'medications.1.doses.1.dose', 'medications.1.doses.1.unit', 'reviews.IM101-611.I5-investigator.date'];
  expect(typesOf(names)).toEqual({
    id: 'VARCHAR',
    'referenceDates.screening': 'DATE',
    'demographics.birthDate': 'DATE',
    'demographics.ageYears': 'DOUBLE',
    'assessments.mmt8.score': 'DOUBLE',
    'assessments.mmt8.max': 'DOUBLE',
    'medications.count': 'VARCHAR',
    'medications.1.drug': 'VARCHAR',
    'medications.1.start': 'DATE',
    'medications.1.doses.1.date': 'DATE',
    'medications.1.doses.1.dose': 'DOUBLE',
    'medications.1.doses.1.unit': 'VARCHAR',
    'reviews.IM101-611.I5-investigator.date': 'VARCHAR',
  });
  // A score without its maximum is never checked in SQL (its row goes to JS when it is filled): text.
  expect(typesOf(['id', 'assessments.mmt8.score'])['assessments.mmt8.score']).toBe('VARCHAR');
  // A review's date checked (decision and signer there too) is read as a date.
  const review = ['decision', 'by', 'date'].map((k) => `reviews.IM101-611.I5-investigator.${k}`);
  expect(typesOf(['id', ...review])).toEqual({ id: 'VARCHAR', [review[0] as string]: 'VARCHAR', [review[1] as string]: 'VARCHAR', [review[2] as string]: 'DATE' });
  // In the examples' header, every typed cell a line of its forms may hold is one its type reads:
  // a real day, or digits with at most one dot.
  const plan = nativePlan(resolveHeader(header, dict, 'test').header, dict, {}, { trials, trialIds: TRIALS });
  if (!plan) throw new Error('no plan');
  expect(plan.cellTypes.filter((t) => t !== 'VARCHAR').length).toBeGreaterThan(20);
  // (Each value once: the examples' cells repeat, each value was checked in every column again.)
  for (const value of new Set([...NASTY, ...rows.flat()])) {
    plan.cellTypes.forEach((type, at) => {
      if (type === 'VARCHAR' || value === '' || !plan.cells(header.map((_, i) => (i === at ? value : '')))) return;
      if (type === 'DATE') expect(isValidIsoDate(value), value).toBe(true);
      else expect(value, header[at]).toMatch(/^[0-9]+(\.[0-9]+)?$/);
    });
  }
});

test('a dictionary typing a medication item otherwise than the checks compare it (a start as text, ongoing as a number) leaves the file to the JS path', () => {
  const names = ['id', 'medications.1.drug', 'medications.1.start', 'medications.1.doses.1.date'];
  const med = dict.fields.get('medications') as Extract<FieldDef, { type: 'records' }>;
  const retyped = (item: string, type: string) => ({ ...dict, fields: new Map<string, FieldDef>([...dict.fields, ['medications', { ...med, item: { ...med.item, [item]: { ...med.item[item], type } } } as FieldDef]]) }) as typeof dict;
  const planOf = (d: typeof dict) => nativePlan(resolveHeader(names, d, 'test').header, d, {}, { trials, trialIds: TRIALS });
  expect(planOf(dict)).toBeDefined();
  expect(planOf(retyped('start', 'string'))).toBeUndefined();
  expect(planOf(retyped('ongoing', 'number'))).toBeUndefined();
});
