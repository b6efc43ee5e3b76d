import { describe, expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { knownColumnNames, resolveColumn } from '../../src/patient/csv-columns.js';
import { parseCsvRow } from '../../src/patient/csv-row.js';
import { resolveHeader } from '../../src/batch/read-rows.js';

const { dictionary: dict } = openCriteriaDir();

function row(cells: Record<string, string>) {
  const { header } = resolveHeader(Object.keys(cells), dict, 't.csv');
  return parseCsvRow(header, Object.values(cells), dict);
}

function record(cells: Record<string, string>) {
  const r = row(cells);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.parsed.record as Record<string, any>;
}

function problems(cells: Record<string, string>) {
  const r = row(cells);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.location}: ${p.message}`);
}

describe('column names', () => {
  test.each([
    ['diagnosis.subtype', 'field'],
    ['labs.ck.value', 'field'],
    ['labs.ck.uln', 'field'],
    ['assessments.mmt8.max', 'field'],
    ['demographics.weightKg.unit', 'field'],
    ['medications.count', 'count'],
    ['medications.1.drug', 'item'],
    ['medications.12.doses.3.dose', 'dose'],
    ['medications.1.doses.count', 'count'],
    ['referenceDates.screening', 'referenceDate'],
    ['reviews.IM101-611.P1-protocol.decision', 'review'],
    ['id', 'id'],
  ])('%s is a %s column', (name, kind) => {
    expect(resolveColumn(name, dict)?.kind).toBe(kind);
  });

  test.each(['labs.ck', 'assessments.mmt8', 'medications', 'medications.0.drug', 'medications.01.drug', 'medications.501.drug', 'medications.1.doses', 'medications.1.nope', 'labs.ck.valu', 'diagnosis.subtype.unit', 'referenceDates.today', 'reviews.IM101-611.P1'])(
    '%s is not a column',
    (name) => {
      expect(resolveColumn(name, dict)).toBeUndefined();
    },
  );

  test('every name a template can offer resolves', () => {
    for (const name of knownColumnNames(dict)) expect(resolveColumn(name, dict), name).toBeDefined();
  });
});

describe('cells to patient', () => {
  test('empty cells are absent (unknown), never zero or false', () => {
    const r = record({ id: 'A', 'labs.ck.value': '', 'assessments.pga': '', 'history.cardiacInvolvement': ' ', 'antibodies.positive': '', 'malignancies.count': '' });
    expect(r).toEqual({ id: 'A' });
  });

  test.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['false', false],
    ['No', false],
  ])('boolean %s', (cell, value) => {
    expect(record({ 'history.cardiacInvolvement': cell }).history.cardiacInvolvement).toBe(value);
  });

  test('numbers, with a unit column converting to the canonical unit', () => {
    expect(record({ 'demographics.weightKg': '150', 'demographics.weightKg.unit': 'lb' }).demographics.weightKg).toBeCloseTo(68.04, 2);
    expect(record({ 'demographics.weightKg': '68' }).demographics.weightKg).toBe(68);
    expect(record({ 'assessments.pga': '45', 'assessments.pga.unit': 'mm' }).assessments.pga).toBeCloseTo(4.5);
  });

  test('lab parts and scale parts', () => {
    const r = record({ 'labs.ck.value': '1500', 'labs.ck.unit': 'U/L', 'labs.ck.uln': '200', 'labs.ck.date': '2026-01-02', 'assessments.mmt8.score': '118', 'assessments.mmt8.max': '150' });
    expect(r.labs.ck).toEqual({ value: 1500, uln: 200, unit: 'U/L', date: '2026-01-02' });
    expect(r.assessments.mmt8).toEqual({ score: 118, max: 150 });
  });

  test('enum lists: separated by ;, "none" is an empty list, blank is unknown', () => {
    expect(record({ 'antibodies.positive': 'mi2; jo1' }).antibodies.positive).toEqual(['mi2', 'jo1']);
    expect(record({ 'antibodies.positive': 'none' }).antibodies.positive).toEqual([]);
    expect(record({ 'antibodies.positive': '' }).antibodies).toBeUndefined();
  });

  test('records: numbered from 1, count 0 is an empty list, blank count and no cells is unknown', () => {
    expect(record({ 'malignancies.count': '0' }).malignancies).toEqual([]);
    expect(record({ 'malignancies.count': '', 'malignancies.1.type': '' }).malignancies).toBeUndefined();
    const r = record({
      'medications.1.drug': 'prednisone',
      'medications.1.ongoing': 'true',
      'medications.1.doses.1.date': '2025-01-10',
      'medications.1.doses.1.dose': '40',
      'medications.1.doses.2.date': '2025-06-01',
      'medications.1.doses.2.dose': '10',
      'medications.3.drug': 'methotrexate',
      'medications.3.doses.count': '0',
    });
    expect(r.medications).toEqual([
      { drug: 'prednisone', class: 'corticosteroid', ongoing: true, doses: [{ date: '2025-01-10', dose: 40 }, { date: '2025-06-01', dose: 10 }] },
      { drug: 'methotrexate', class: 'immunosuppressant', doses: [] },
    ]);
  });

  test('reference dates and review decisions', () => {
    const r = record({ 'referenceDates.screening': '2026-11-16', 'reviews.IM101-611.P1-protocol.decision': 'yes', 'reviews.IM101-611.P1-protocol.by': 'Dr A', 'reviews.IM101-611.P1-protocol.date': '2026-11-16' });
    expect(r.referenceDates).toEqual({ screening: '2026-11-16' });
    expect(r.reviews).toEqual({ 'IM101-611': { 'P1-protocol': { decision: 'yes', by: 'Dr A', date: '2026-11-16' } } });
  });

  test.each([
    [{ 'labs.ck.value': 'abc' }, 'labs.ck.value: expected a number, got "abc"'],
    [{ 'assessments.pga': '4,5' }, 'assessments.pga: expected a number, got "4,5" (a decimal comma: write it with a dot, 4.5)'],
    [{ 'labs.ck.value': '1,500', 'labs.ck.uln': '200', 'labs.ck.unit': 'U/L' }, 'labs.ck.value: "1,500" is ambiguous: the comma may separate thousands (1500) or decimals (1.5); write the value as meant, without a thousands separator and with a dot for decimals'],
    [{ 'history.cardiacInvolvement': 'maybe' }, 'history.cardiacInvolvement: expected true or false (or yes/no), got "maybe"'],
    [{ 'demographics.birthDate': '1970-02-30' }, 'demographics.birthDate: "1970-02-30" is not a real calendar date'],
    [{ 'demographics.birthDate': '01/02/1970' }, 'demographics.birthDate: "01/02/1970" must be a date written YYYY-MM-DD'],
    [{ 'assessments.pga': '11' }, 'assessments.pga: must be at most 10 (got 11)'],
    [{ 'malignancies.count': '2', 'malignancies.1.type': 'other' }, 'malignancies.count: says 2 records but 1 is filled (malignancies.1)'],
    [{ 'malignancies.count': '-1' }, 'malignancies.count: expected a whole number of records (0 or more), got "-1"'],
    [{ 'labs.ck.value': '10', 'labs.ck.unit': 'U/L' }, "labs.ck.uln: is required with a value: '× ULN' rules use the reporting lab's upper limit of normal"],
  ] as [Record<string, string>, string][])('%j is reported against its column', (cells, expected) => {
    expect(problems(cells)).toContain(expected);
  });

  test('an error inside a numbered record names the CSV column, not the JSON path', () => {
    expect(problems({ 'medications.2.drug': 'prednisone', 'medications.2.doses.3.date': '2025-13-01', 'medications.2.doses.3.dose': '5' })).toEqual([
      'medications.2.doses.3.date: "2025-13-01" is not a real calendar date',
    ]);
    expect(problems({ 'medications.4.drug': 'aspirin' })[0]).toMatch(/^medications\.4\.drug: "aspirin" is not one of the choices: prednisone \(Prednisone\), /);
    // The choices whole, never cut in a word, and how many are left out.
    expect(problems({ 'medications.4.drug': 'aspirin' })[0]).toMatch(/\), … and \d+ more \(screen template <trial> --format csv --describe lists them\)$/);
  });

  test('every bad cell of a row is reported, not only the first', () => {
    expect(problems({ 'labs.ck.value': 'x', 'demographics.birthDate': '1970-13-01' })).toHaveLength(2);
  });
});
