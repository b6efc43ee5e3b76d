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

  test('a joined record is named by its first file position, with the records joined into it', async () => {
    const p = joinedWithoutDoses();
    const text = await runInProcess([file('joined.json', p), '--trial', 'IM101-611', '--no-color']);
    expect(text.stdout.replace(/\n\s+/g, ' ')).toContain('Dose history of Prednisone (medications #2, joined with #3)');
    expect(text.stdout.replace(/\n\s+/g, ' ')).toContain('of Methotrexate (medications #1)');
    expect(textReferenceProblems(text.stdout, p.medications, dict)).toEqual([]);
    const json = JSON.parse((await runInProcess([file('joined.json', p), '--trial', 'IM101-611', '--format', 'json'])).stdout);
    expect(json.missing.map((m: { field: string }) => m.field)).toEqual(expect.arrayContaining(['medications[0].stop', 'medications[1].doses']));
    expect(jsonReferenceProblems(json, p.medications, dict)).toEqual([]);
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
