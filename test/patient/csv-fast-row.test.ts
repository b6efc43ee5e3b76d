// The fast CSV paths against the full ones they stand in for: the fast row reader against the
// zod validation (same record, or the same problems word for word), and the quote-free line
// splitter against csv-parse (same records, same line ranges).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import type { FieldDef, ItemFieldDef } from '../../src/criteria/dictionary-schema.js';
import { csvParseRecords, csvRecords, resolveHeader, type Seq } from '../../src/batch/read-rows.js';
import { knownColumnNames, type ColumnTarget } from '../../src/patient/csv-columns.js';
import { patientToCells } from '../../src/patient/csv-flatten.js';
import { fastCsvRow } from '../../src/patient/csv-fast-row.js';
import { parseCsvRow, validatedCsvRow } from '../../src/patient/csv-row.js';
import { fullPatient, REFERENCE_DATES } from '../helpers/arbitrary-patient.js';

const { dictionary: dict } = openCriteriaDir();

// Every column pattern of the dictionary, a second record and dose, and a review.
const names = [
  ...knownColumnNames(dict),
  ...knownColumnNames(dict).filter((n) => /\.1\./.test(n)).map((n) => n.replace('.1.', '.2.')),
  'medications.1.doses.2.date',
  'medications.1.doses.2.dose',
  'medications.1.doses.2.unit',
  ...['decision', 'by', 'date', 'note'].map((k) => `reviews.IM101-611.I5-investigator.${k}`),
].filter((n, i, all) => all.indexOf(n) === i);
const { header } = resolveHeader(names, dict, 't.csv');

function defOf(t: ColumnTarget): FieldDef | ItemFieldDef | undefined {
  if (t.kind === 'field' && t.part === undefined) return dict.fields.get(t.path);
  if (t.kind === 'item') {
    const def = dict.fields.get(t.records);
    return def?.type === 'records' ? def.item[t.item] : undefined;
  }
  return undefined;
}

/** Cells a person might type in a column: right and wrong ones, labels, units, edges. */
function oddCell(t: ColumnTarget | undefined): fc.Arbitrary<string> {
  const common = fc.constantFrom('', ' ', 'abc', '1,5', '1,500', '-1', '0', '1e999', '2026-02-30', '2024-02-29', '2023-02-29', '1899-12-31', '2100-12-31', '2101-01-01', '2026-1-01', '2026-12-24', 'yes', 'none', ';', 'x'.repeat(501));
  const def = t ? defOf(t) : undefined;
  const choices: string[] = [];
  if (def && (def.type === 'enum' || def.type === 'enumList')) {
    for (const [code, v] of Object.entries(def.values)) choices.push(code, code.toUpperCase(), typeof v === 'string' ? v : v.label);
    if (def.type === 'enumList') choices.push(`${choices[0]};${choices[0]}`, `${choices[0]}; ${choices[3] ?? ''}`);
  }
  if (t?.kind === 'field' && t.part !== undefined) choices.push('U/L', 'µkat/L', 'mg/dL', '150', '80', '2000', '0.5');
  if (t?.kind === 'count') choices.push('1', '2', '3', '0.5');
  if (t?.kind === 'dose') choices.push('mg/day', 'mg/d', '40', '2026-01-01', '2021-01-01');
  if (t?.kind === 'review') choices.push('no', 'Yes', 'PI', '2026-11-16');
  return choices.length ? fc.oneof(common, fc.constantFrom(...choices)) : common;
}

const rows = fc
  .tuple(
    fullPatient(dict, { 'IM101-611': ['I5-investigator'] }),
    fc.constantFrom(0, 0, 0.02, 0.2),
    fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
  )
  .chain(([patient, rate, picks]) => {
    const cells = patientToCells({ ...patient, referenceDates: REFERENCE_DATES }, dict);
    const base = header.names.map((n) => cells.get(n) ?? '');
    // A few cells replaced by odd ones, at random columns.
    const odd = rate === 0 ? fc.constant(new Map<number, string>()) : fc.tuple(...picks.map(([c]) => oddCell(header.targets[c % base.length]).map((v) => [c % base.length, v] as const))).map((xs) => new Map(xs.filter(() => rate > 0)));
    return odd.map((m) => base.map((v, i) => m.get(i) ?? v));
  });

describe('the fast row reader', () => {
  test('property: every row gets what the full validation gives it (the record, or its problems word for word)', () => {
    let fast = 0;
    let refused = 0;
    fc.assert(
      fc.property(rows, (cells) => {
        const full = validatedCsvRow(header, cells, dict);
        const taken = fastCsvRow(header, cells, dict);
        if (taken) fast += 1;
        if (!full.ok) refused += 1;
        // Never accepts a row the schema refuses; and parseCsvRow (the two together) is the full result.
        if (!full.ok) expect(taken).toBeUndefined();
        expect(parseCsvRow(header, cells, dict)).toStrictEqual(full);
      }),
      { numRuns: 100, seed: 611 },
    );
    // Both sides exercised: many generated rows take the fast path, and many are refused.
    expect(fast).toBeGreaterThan(12);
    expect(refused).toBeGreaterThan(20);
  });

  test.each([
    ['a lab in another unit (converted by the full path)', { 'labs.ck.value': '3', 'labs.ck.unit': 'µkat/L', 'labs.ck.uln': '2' }, false],
    ['a number with its unit (converted by the full path)', { 'demographics.weightKg': '150', 'demographics.weightKg.unit': 'lb' }, false],
    ['a date after screening (a warning, named by its column)', { 'referenceDates.screening': '2026-11-16', 'medications.2.drug': 'prednisone', 'medications.2.start': '2026-12-01' }, true],
  ])('%s: the same result as the full validation', (_what, cells, fast) => {
    const { header: h } = resolveHeader(Object.keys(cells), dict, 't.csv');
    const values = Object.values(cells);
    expect(fastCsvRow(h, values, dict) !== undefined).toBe(fast);
    const full = validatedCsvRow(h, values, dict);
    expect(full.ok).toBe(true);
    expect(parseCsvRow(h, values, dict)).toStrictEqual(full);
  });
});

async function collect(records: AsyncIterable<Seq>): Promise<Seq[]> {
  const out: Seq[] = [];
  for await (const r of records) out.push(r);
  return out;
}

async function* chunks(parts: string[]) {
  yield* parts;
}

describe('the quote-free line splitter', () => {
  test('property: the same records and line ranges as csv-parse, for any line ends, blank lines, quotes and chunking', async () => {
    const piece = fc.constantFrom('a', 'b c', ',', ';', ' ', '\n', '\n', '\r\n', '\r', '"', '"x,y"', '\uFEFF', '');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat({ max: 40 }), { maxLength: 4 }), fc.constantFrom(',', ';'), async (pieces, cuts, delimiter) => {
        const text = pieces.join('');
        const at = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((x, y) => x - y);
        const parts = [0, ...at].map((from, i) => text.slice(from, i < at.length ? at[i] : text.length));
        const expected = await collect(csvParseRecords(chunks([text]), delimiter, 0, { seq: 0, lastLine: 0 }));
        expect(await collect(csvRecords(chunks(parts), delimiter))).toStrictEqual(expected);
      }),
      { numRuns: 300, seed: 611 },
    );
  });
});
