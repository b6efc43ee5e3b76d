// Record numbers after the reader joins two records of one drug (one course entered twice): every
// report, batch row and missing path names the file's records, not the joined list's. Before,
// a file listing prednisone, the same prednisone again, then methotrexate without a stop was
// told to collect the stop of "Methotrexate (medications #2)": #2 is the duplicate prednisone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { ReportSchema } from '../../src/report/report-schema.js';
import { clone, criteriaSet, example } from '../helpers/screening.js';
import { jsonReferenceProblems, textReferenceProblems } from '../helpers/record-references.js';
import { runInProcess } from './run-cli.js';

const dict = criteriaSet.dictionary;
const dir = mkdtempSync(join(tmpdir(), 'record-origins-'));

/** The eligible example with its prednisone entered twice and methotrexate's end not recorded. */
export function duplicateFirst(): Record<string, any> {
  const p = clone(example('im101-611-eligible'));
  delete p.$schema;
  p.id = 'IM-DUP';
  const [prednisone, methotrexate] = p.medications;
  delete methotrexate.ongoing;
  p.medications = [prednisone, clone(prednisone), methotrexate];
  return p;
}

/** Methotrexate first, then prednisone twice, neither with doses: the joined record lacks them. */
function joinedWithoutDoses(): Record<string, any> {
  const p = duplicateFirst();
  const [a, b, mtx] = p.medications;
  delete a.doses;
  delete b.doses;
  p.id = 'IM-JOINED';
  p.medications = [mtx, a, b];
  return p;
}

function file(name: string, patient: Record<string, any>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(patient, null, 2));
  return path;
}

describe('screen <file>: record numbers are the file\'s after a join', () => {
  test('text report: the missing stop is Methotrexate\'s, the file\'s #3', async () => {
    const p = duplicateFirst();
    const r = await runInProcess([file('dup-first.json', p), '--trial', 'IM101-611', '--no-color']);
    expect(r.stderr).toContain('$.medications[1]: repeats prednisone of $.medications[0] with the same dates');
    expect(r.stdout).toContain('date of last dose (or "ongoing": true) of Methotrexate (medications #3)');
    expect(r.stdout).not.toContain('(medications #2)');
    expect(textReferenceProblems(r.stdout, p.medications, dict)).toEqual([]);
  });

  test('JSON report: every medications[...] path, item, chain and label names a file record of the drug named', async () => {
    const p = duplicateFirst();
    const r = await runInProcess([file('dup-first.json', p), '--trial', 'IM101-611', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.missing.map((m: { field: string }) => m.field)).toContain('medications[2].stop');
    expect(jsonReferenceProblems(report, p.medications, dict)).toEqual([]);
  });

  test('a joined record is named by the record it was kept as, with the records joined into it', async () => {
    const p = joinedWithoutDoses();
    const text = await runInProcess([file('joined.json', p), '--trial', 'IM101-611', '--no-color']);
    expect(text.stdout.replace(/\n\s+/g, ' ')).toContain('Dose history of Prednisone (medications #2, joined with #3)');
    expect(text.stdout.replace(/\n\s+/g, ' ')).toContain('of Methotrexate (medications #1)');
    expect(textReferenceProblems(text.stdout, p.medications, dict)).toEqual([]);
    const json = JSON.parse((await runInProcess([file('joined.json', p), '--trial', 'IM101-611', '--format', 'json'])).stdout);
    expect(json.missing.map((m: { field: string }) => m.field)).toEqual(expect.arrayContaining(['medications[0].stop', 'medications[1].doses']));
    expect(jsonReferenceProblems(json, p.medications, dict)).toEqual([]);
    // Each fact of the joined prednisone says which file records it stands for (its value may be #3's).
    type JsonFact = { field?: string; joinedWith?: number[] };
    const facts: JsonFact[] = json.criteria.flatMap((c: { facts: JsonFact[]; reason: { facts: JsonFact[] } }) => [...c.facts, ...c.reason.facts]);
    const ofRecord = (i: number) => facts.filter((f) => f.field?.startsWith(`medications[${i}]`));
    expect(ofRecord(1).length).toBeGreaterThan(0);
    expect(ofRecord(1).map((f) => f.joinedWith)).toEqual(ofRecord(1).map(() => [2]));
    expect(ofRecord(0).filter((f) => f.joinedWith)).toEqual([]);
    expect(ReportSchema.safeParse(json).success).toBe(true);
  });
});

describe('screen <file>: a join never decides I4 (NCT04946669, 60 kg, prednisone 40 mg/day) with a value of another record', () => {
  const dose = (date: string, amount: number) => ({ date, dose: amount, unit: 'mg/day' });
  const budesonide = (start: string, end: Record<string, unknown>, equivalent: number) => ({ drug: 'other', otherName: 'Budesonide', start, ...end, doses: [dose(start, 9)], class: 'corticosteroid', prednisoneEquivalentMgPerDay: equivalent });
  const prednisone = (start: string, end: Record<string, unknown>) => ({ drug: 'prednisone', start, ...end, doses: [dose(start, 40)], outcome: 'failure' });
  const methotrexate = { drug: 'methotrexate', start: '2025-06-15', ongoing: true, doses: [{ date: '2025-06-15', dose: 20, unit: 'mg/week' }], outcome: 'failure' };
  test.each([
    // Budesonide at 70 mg/day prednisone-equivalent now, at 10 until the day before (the review's
    // s7f): joined, it was read at 10 (10 + 40 < 60: ELIGIBLE); 70 + 40 is 1 mg/kg or more.
    ['budesonide now at a 70 mg equivalent, before at 10', [budesonide('2026-04-01', { ongoing: true }, 70), prednisone('2025-06-01', { ongoing: true }), methotrexate, budesonide('2026-01-01', { stop: '2026-03-31' }, 10)], 'INELIGIBLE (fails I4)', 'another prednisoneEquivalentMgPerDay'],
    // Two prednisone records of 40 mg, both taken for five months (the review's ab_pr_cont_overlap):
    // joined, read as 40 mg (ELIGIBLE); it may be 80 mg/day, as with the first one still ongoing.
    ['prednisone 40 mg to the screening date, a second 40 mg record from five months before', [prednisone('2025-06-01', { stop: '2026-11-16' }), prednisone('2026-06-01', { ongoing: true }), methotrexate], 'UNDETERMINED (unknown: I4)', 'overlaps prednisone of $.medications[0] with another start, stop or dose'],
    ['the same, the first still ongoing', [prednisone('2025-06-01', { ongoing: true }), prednisone('2026-06-01', { ongoing: true }), methotrexate], 'UNDETERMINED (unknown: I4)', 'overlaps prednisone of $.medications[0]'],
    ['prednisone 40 mg continued from the day after its stop: one course', [prednisone('2025-06-01', { stop: '2026-05-31' }), prednisone('2026-06-01', { ongoing: true }), methotrexate], 'ELIGIBLE', 'continues prednisone of $.medications[0] at the same dose'],
  ])('%s', async (_case, medications, verdict, warning) => {
    const p = clone(example('nct04946669-eligible'));
    delete p.$schema;
    p.medications = medications;
    const r = await runInProcess([file('i4.json', p), '--trial', 'NCT04946669', '--no-color']);
    expect(r.stdout).toContain(`Verdict: ${verdict}`);
    expect(r.stderr).toContain(warning);
  });
});

describe('screen batch: the missing column names the row\'s own records, both engines alike', () => {
  const patients = [example('im101-611-eligible'), duplicateFirst(), joinedWithoutDoses()];
  // The row's missing column (paths separated by ";").
  const missingOf = (csv: string, id: string) => (csv.split('\n').find((l) => l.includes(`,${id},IM101-611,`)) ?? '').split(',')[8]?.split(';') ?? [];

  test.each(['csv', 'ndjson'])('%s input: --engine js names the file\'s records; --engine duckdb writes the same bytes', async (format) => {
    let input: string;
    if (format === 'csv') {
      const { header, rows } = patientsToTable(patients, dict);
      input = join(dir, 'rows.csv');
      writeFileSync(input, [csvLine(header), ...rows.map((row) => csvLine(row))].join(''));
    } else {
      input = join(dir, 'rows.ndjson');
      writeFileSync(input, `${patients.map((p) => JSON.stringify(p)).join('\n')}\n`);
    }
    const js = await runInProcess(['batch', input, '--trial', 'IM101-611', '--as-of', '2026-11-16', '--engine', 'js']);
    expect(js.code, js.stderr).toBe(0);
    expect(missingOf(js.stdout, 'IM-DUP')).toContain('medications[2].stop');
    expect(missingOf(js.stdout, 'IM-DUP')).not.toContain('medications[1].stop');
    expect(missingOf(js.stdout, 'IM-JOINED').join(',')).toMatch(/medications\[0\]\.stop.*medications\[1\]\.doses/);
    const duck = await runInProcess(['batch', input, '--trial', 'IM101-611', '--as-of', '2026-11-16', '--engine', 'duckdb']);
    expect(duck).toEqual(js);
  }, 60_000);
});
