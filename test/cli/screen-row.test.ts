// `screen clinic.csv --row N`: one row of a file of rows screened with the full report, read and
// validated as screen batch reads it: the same outcomes as the patient file it came from.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { criteriaSet, example } from '../helpers/screening.js';
import { runBin, runInProcess } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'trial-screen-row-'));
const names = ['im101-611-eligible', 'im101-611-excluded-rituximab', 'im101-611-needs-adjudication', 'im101-611-ineligible-weakness'];
const { header, rows } = patientsToTable(names.map(example), criteriaSet.dictionary);
const bad = header.map((h) => (h === 'id' ? 'bad-row' : h === 'demographics.birthDate' ? '16/11/1970' : ''));
// Row 3 is the bad one; rows 1, 2, 4 and 5 are the examples in order.
const file = join(dir, 'clinic.csv');
writeFileSync(file, [csvLine(header), csvLine(rows[0] as string[]), csvLine(rows[1] as string[]), csvLine(bad), csvLine(rows[2] as string[]), csvLine(rows[3] as string[])].join(''));

const outcomes = (json: string) => (JSON.parse(json) as { verdict: string; criteria: { id: string; outcome: string }[] }).criteria.map((c) => [c.id, c.outcome]);

test.each([
  [1, names[0]],
  [2, names[1]],
  [4, names[2]],
  [5, names[3]],
])('row %i: the verdict and every outcome of %s, the report naming the row and the file\'s SHA-256', async (row, name) => {
  const fromRow = await runInProcess([file, '--row', String(row), '--trial', 'IM101-611', '--format', 'json', '--generated-at', '2026-12-01']);
  const fromFile = await runInProcess([`examples/${name}.json`, '--trial', 'IM101-611', '--format', 'json', '--generated-at', '2026-12-01']);
  expect(fromRow.code, fromRow.stderr).toBe(fromFile.code);
  expect(JSON.parse(fromRow.stdout).verdict).toBe(JSON.parse(fromFile.stdout).verdict);
  expect(outcomes(fromRow.stdout)).toEqual(outcomes(fromFile.stdout));
  expect(JSON.parse(fromRow.stdout).input).toEqual({ name: `${file}, row ${row}`, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') });
});

test('a bad row is an input error with the messages screen batch gives it, located in the row', async () => {
  const r = await runInProcess([file, '--row', '3', '--trial', 'IM101-611']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`screen: ${file} row 3 demographics.birthDate: "16/11/1970" must be a date written YYYY-MM-DD\n`);
});

test.each([
  [[file, '--trial', 'IM101-611'], /clinic\.csv is a file of rows: screen one of them with --row N \(N as screen batch numbers the rows\), or all of them with: screen batch /],
  [[file, '--row', '6', '--trial', 'IM101-611'], /clinic\.csv: there is no row 6: the last row is row 5/],
  [[file, '--row', '0', '--trial', 'IM101-611'], /--row needs a row number as screen batch numbers the rows \(from 1\), got "0"/],
  [['examples/im101-611-eligible.json', '--row', '1', '--trial', 'IM101-611'], /im101-611-eligible\.json is a patient file \(one patient\): screen it without --row/],
  [['--row', '1', 'batch', file, '--trial', 'IM101-611'], /--row is not an option of "screen batch"/],
  [['--sheet', 'x', '--interactive', 'examples/im101-611-eligible.json', '--trial', 'IM101-611'], /--interactive reads a patient file: give it without --sheet/],
  [['examples/im101-611-eligible.json', '--delimiter', ';', '--trial', 'IM101-611'], /--delimiter is for a file of rows, read one row at a time with --row N/],
  [['-', '--row', '1', '--trial', 'IM101-611'], /--row reads a file of rows by its name, not standard input/],
  [[file, '--row', '1', '--trial', 'IM101-611', '--interactive'], /--interactive reads a patient file: give it without --row/],
])('%j is a usage or input error (exit 2), one line', async (args, message) => {
  const r = await runInProcess(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});

test('a named pipe is refused before it is read (its SHA-256 could not be of the bytes screened)', async () => {
  const fifo = join(dir, 'rows.csv');
  spawnSync('mkfifo', [fifo]);
  const r = await runInProcess([fifo, '--row', '1', '--trial', 'IM101-611']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--row reads a regular file \(.*rows\.csv is a pipe or a device\): save the rows to a file first, or screen them all with screen batch/);
});

test('the real bin: a semicolon-separated row with --delimiter, several trials, the printed record not over the file', () => {
  const semi = join(dir, 'semi.csv');
  writeFileSync(semi, readFileSync(file, 'utf8').replaceAll(',', ';'));
  const r = runBin([semi, '--row', '1', '--delimiter', ';', '--all']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/IM101-611/);
  const over = runBin([semi, '--row', '1', '--trial', 'IM101-611', '--format', 'md', '--out', semi]);
  expect(over.code).toBe(2);
  expect(over.stderr).toMatch(/is the same file as the patient file/);
});

test('an NDJSON file\'s row: screened, the file left early without an unhandled premature-close error (the process\'s own exit)', () => {
  const ndjson = join(dir, 'clinic.ndjson');
  writeFileSync(ndjson, names.map((n) => `${JSON.stringify(example(n))}\n`).join(''));
  for (const [row, name] of [[1, names[0]], [3, names[2]], [4, names[3]]] as const) {
    const r = runBin([ndjson, '--row', String(row), '--trial', 'IM101-611', '--format', 'json', '--generated-at', '2026-12-01']);
    const fromFile = runBin([`examples/${name}.json`, '--trial', 'IM101-611', '--format', 'json', '--generated-at', '2026-12-01']);
    expect(r.stderr).not.toMatch(/ERR_STREAM_PREMATURE_CLOSE|\n\s+at /);
    expect(r.code, r.stderr).toBe(fromFile.code);
    expect(outcomes(r.stdout)).toEqual(outcomes(fromFile.stdout));
  }
});
