// Spreadsheets as sites have them, end to end through the CLI (in-process; the .xlsx workbook,
// read by a lazily loaded bundle, through the real bin): semicolon CSV (Excel in most of Europe),
// .xlsx workbooks, "1,500", labels instead of codes, a misspelt header, NCT numbers, duplicate
// ids, summary percentages, and subcommand typos.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { parseCsvOutput, runCli } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/screening.js';

const dir = mkdtempSync(join(tmpdir(), 'screen-sheets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { dictionary: dict } = openCriteriaDir();

const eligible = JSON.parse(readFileSync(join(ROOT, 'examples/im101-611-eligible.json'), 'utf8')) as Record<string, any>;
delete eligible.$schema;
const second = { ...structuredClone(eligible), id: 'IM-002' };
const table = patientsToTable([eligible, second], dict);

/** The real bin, in the sheets' directory: for the .xlsx workbook (its reader a lazily loaded bundle). */
function screenBin(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/screen.js'), ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in-process, in the sheets' directory: what these tests check is the reading, not the process (a bin start-up each is most of their time). */
const screen = (args: string[]) => runCli(args, { cwd: dir });

function delimited(rows: string[][], sep: string): string {
  const cell = (c: string) => (c.includes(sep) || c.includes('"') ? `"${c.replaceAll('"', '""')}"` : c);
  return rows.map((r) => `${r.map(cell).join(sep)}\r\n`).join('');
}

function writeCsv(name: string, rows: string[][], sep = ','): string {
  writeFileSync(join(dir, name), delimited(rows, sep));
  return name;
}

/** The table with one column's cell changed in the first row. */
function withCell(column: string, value: string): string[][] {
  const i = table.header.indexOf(column);
  expect(i, column).toBeGreaterThanOrEqual(0);
  const rows = table.rows.map((r) => [...r]);
  (rows[0] as string[])[i] = value;
  return [table.header, ...rows];
}

const verdicts = (stdout: string) => parseCsvOutput(stdout).map((r) => r.verdict);

describe('semicolon-separated CSV', () => {
  test('is detected from the header and screened like the comma file', async () => {
    const comma = await screen(['batch', writeCsv('comma.csv', [table.header, ...table.rows]), '--trial', 'IM101-611']);
    const semi = await screen(['batch', writeCsv('semi.csv', [table.header, ...table.rows], ';'), '--trial', 'IM101-611']);
    expect(comma.code).toBe(0);
    expect(semi.code).toBe(0);
    expect(verdicts(semi.stdout)).toEqual(['eligible', 'eligible']);
    expect(semi.stdout).toBe(comma.stdout);
  });

  test('--delimiter overrides detection; the wrong one is an error naming the separator', async () => {
    expect((await screen(['batch', 'semi.csv', '--trial', 'IM101-611', '--delimiter', ';'])).code).toBe(0);
    const wrong = await screen(['batch', 'semi.csv', '--trial', 'IM101-611', '--delimiter', ',']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is the file separated by something other than commas?');
    expect((await screen(['batch', 'semi.csv', '--trial', 'IM101-611', '--delimiter', 'x'])).stderr).toContain('--delimiter must be one of , ; tab |');
  });
});

describe('.xlsx workbooks', () => {
  const build = async (name: string) => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['exported from the site register']);
    const ws = wb.addWorksheet('Patients');
    ws.addRow(table.header);
    for (const row of table.rows) {
      // Numbers as numbers and the birth date as an Excel date, as a person's sheet has them.
      ws.addRow(row.map((cell, i) => (table.header[i] === 'demographics.birthDate' ? new Date(`${cell}T00:00:00Z`) : /^\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell)));
    }
    await wb.xlsx.writeFile(join(dir, name));
    return name;
  };

  test('--sheet NAME is read like the CSV file; the first sheet by default; a missing sheet is named', async () => {
    const file = await build('clinic.xlsx');
    const r = screenBin(['batch', file, '--sheet', 'Patients', '--trial', 'IM101-611']);
    expect(r.stderr).not.toContain('warning');
    expect(r.code).toBe(0);
    expect(verdicts(r.stdout)).toEqual(['eligible', 'eligible']);
    const first = await screen(['batch', file, '--trial', 'IM101-611']);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('none of the 1 column is a data-dictionary path');
    const missing = await screen(['batch', file, '--sheet', 'Patient list', '--trial', 'IM101-611']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('clinic.xlsx: has no worksheet "Patient list"; its sheets: "Notes", "Patients"');
  });
});

describe('cells and headers', () => {
  test('"1,500" is an error that gives both readings and proposes neither', async () => {
    const r = await screen(['batch', writeCsv('ck.csv', withCell('labs.ck.value', '1,500')), '--trial', 'IM101-611']);
    expect(r.code).toBe(4);
    const row = parseCsvOutput(r.stdout)[0] as Record<string, string>;
    expect(row.verdict).toBe('error');
    expect(row.errors).toContain('labs.ck.value: "1,500" is ambiguous: the comma may separate thousands (1500) or decimals (1.5)');
    expect(r.stdout).not.toContain('1.500');
  });

  test.each([
    ['Dermatomyositis', 'eligible', ''],
    ['dermatomyositis', 'eligible', ''],
    ['DM', 'eligible', ''],
    ['Dermatomyosits', 'error', 'diagnosis.subtype: "Dermatomyosits" is not one of the choices (did you mean "Dermatomyositis", code dm?)'],
  ])('diagnosis.subtype %s → %s', async (cell, verdict, error) => {
    const r = await screen(['batch', writeCsv(`label-${cell}.csv`, withCell('diagnosis.subtype', cell)), '--trial', 'IM101-611']);
    const row = parseCsvOutput(r.stdout)[0] as Record<string, string>;
    expect(row.verdict).toBe(verdict);
    if (error) expect(row.errors).toContain(error);
  });

  test('a misspelt header stops the batch before any row; --ignore-unknown-columns screens without it', async () => {
    const rows = [table.header.map((h) => (h === 'diagnosis.subtype' ? 'diagnosis.subtyp' : h)), ...table.rows];
    const r = await screen(['batch', writeCsv('misspelt.csv', rows), '--trial', 'IM101-611', '--out', 'misspelt-out.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/misspelt\.csv header: unknown column "diagnosis\.subtyp" \(column \d+, after "[^"]+"\) \(did you mean "diagnosis\.subtype"\?\)/);
    expect(existsSync(join(dir, 'misspelt-out.csv'))).toBe(false);
    const ignored = await screen(['batch', 'misspelt.csv', '--trial', 'IM101-611', '--ignore-unknown-columns']);
    expect(ignored.code).toBe(0);
    expect(verdicts(ignored.stdout)).toEqual(['undetermined', 'undetermined']);
  });
});

describe('trial ids, duplicates, summary', () => {
  test('the NCT number that `screen trials` lists is accepted for the trial id', async () => {
    const batch = await screen(['batch', 'comma.csv', '--trial', 'NCT02971683']);
    expect(batch.code).toBe(0);
    expect(parseCsvOutput(batch.stdout).map((r) => r.trial)).toEqual(['IM101-611', 'IM101-611']);
    const single = await screen([join(ROOT, 'examples/im101-611-eligible.json'), '--trial', 'nct02971683']);
    expect(single.code).toBe(0);
    expect(single.stdout).toContain('IM101-611');
    expect((await screen(['show', 'NCT02971683'])).code).toBe(0);
  });

  test('duplicate patient ids are warned about; the summary gives percentages', async () => {
    const rows = [table.header, ...table.rows, table.rows[0] as string[]];
    const r = await screen(['batch', writeCsv('dups.csv', rows), '--trial', 'IM101-611']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: dups.csv row 3: patient id "IM-001" also in row 1');
    expect(r.stderr).toContain('IM101-611: 3 rows screened; eligible 3 (100%), ineligible 0 (0%), undetermined 0 (0%), error 0 (0%)');
    // The results handed on carry it too, on the repeat's row, whichever engine screens it.
    for (const engine of ['js', 'duckdb']) {
      const out = parseCsvOutput((await screen(['batch', 'dups.csv', '--trial', 'IM101-611', '--engine', engine])).stdout);
      expect(out.map((x) => x.warnings)).toEqual(['', '', 'id: "IM-001" is also the id of row 1']);
    }
  });
});

describe('the command line', () => {
  test.each([
    [['bach', 'x.csv'], 2, 'screen: unknown command "bach" (did you mean "batch"?)'],
    [['help', 'batch'], 0, 'Usage: screen batch [options] <patients...>'],
    [['help', 'bach'], 2, 'no help for "bach": not a command (did you mean "batch"?)'],
    [['-v'], 0, '0.'],
  ])('screen %j', async (args, code, text) => {
    const r = await screen(args);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).toContain(text);
  });
});

// A partial EHR export: `completeness.<list>.complete` says a record list may miss records, as a
// patient file's "completeness" does. Without it a numbered list is taken as complete.
describe('list completeness columns', () => {
  const COLUMN = 'completeness.medications.complete';
  /** The eligible patient (no rituximab, no other biologic) four times, the medication list's completeness cell set. */
  const rows = (cells: string[]) => [[...table.header, COLUMN], ...cells.map((c, i) => [...(table.rows[0] as string[]).map((v, j) => (table.header[j] === 'id' ? `C-${i + 1}` : v)), c])];
  const outcomes = (stdout: string) => parseCsvOutput(stdout).map((r) => ({ verdict: r.verdict, E3: r['IM101-611:E3'], E4: r['IM101-611:E4'], asks: (r.missing ?? '').split(';').filter((m) => m.startsWith('completeness.')), errors: r.errors }));

  test('false: E3/E4 unknown, naming completeness.medications to collect; true and empty as before; both engines the same bytes', async () => {
    const file = writeCsv('completeness.csv', rows(['false', 'true', '', 'FALSE']));
    const js = await screen(['batch', file, '--trial', 'IM101-611', '--wide', '--engine', 'js']);
    expect(js.code, js.stderr).toBe(0);
    const absent = { E3: 'not_met', E4: 'not_met', asks: [], errors: '' };
    const unsure = { verdict: 'undetermined', E3: 'unknown', E4: 'unknown', asks: ['completeness.medications'], errors: '' };
    expect(outcomes(js.stdout)).toEqual([unsure, { verdict: 'eligible', ...absent }, { verdict: 'eligible', ...absent }, unsure]);
    const duckdb = await screen(['batch', file, '--trial', 'IM101-611', '--wide', '--engine', 'duckdb']);
    expect(duckdb).toEqual(js);
    // A patient file saying the same screens the same (the JSON form of the column).
    const single = await screen(['--row', '1', file, '--trial', 'IM101-611', '--format', 'json']);
    const report = JSON.parse(single.stdout) as { verdict: string; criteria: { id: string; outcome: string }[] };
    expect([report.verdict, report.criteria.find((c) => c.id === 'E3')?.outcome]).toEqual(['undetermined', 'unknown']);
  });

  test('a cell that is not true or false is an error row naming the column (exit 4); the other rows are screened', async () => {
    const r = await screen(['batch', writeCsv('completeness-bad.csv', rows(['maybe', 'true'])), '--trial', 'IM101-611', '--wide']);
    expect(r.code).toBe(4);
    expect(outcomes(r.stdout).map((o) => [o.verdict, o.errors])).toEqual([
      ['error', `${COLUMN}: expected true or false (or yes/no), got "maybe"`],
      ['eligible', ''],
    ]);
  });

  test('a list that is not a record list, or a key the entry does not have, is an unknown column', async () => {
    for (const column of ['completeness.labs.complete', 'completeness.medications.completed']) {
      const r = await screen(['batch', writeCsv('completeness-unknown.csv', [[...table.header, column], [...(table.rows[0] as string[]), 'false']]), '--trial', 'IM101-611']);
      expect(r.code, column).toBe(2);
      expect(r.stderr).toContain(`unknown column "${column}"`);
    }
  });

  test('an .xlsx workbook with TRUE/FALSE cells screens as the CSV does', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Patients');
    for (const [i, row] of rows(['false', 'true', '']).entries()) ws.addRow(i === 0 ? row : row.map((c, j) => (j === row.length - 1 && c !== '' ? c === 'true' : c)));
    await wb.xlsx.writeFile(join(dir, 'completeness.xlsx'));
    const xlsx = screenBin(['batch', 'completeness.xlsx', '--trial', 'IM101-611', '--wide']);
    expect(xlsx.code, xlsx.stderr).toBe(0);
    const csv = await screen(['batch', writeCsv('completeness-3.csv', rows(['false', 'true', ''])), '--trial', 'IM101-611', '--wide']);
    expect(xlsx.stdout).toBe(csv.stdout);
    expect(outcomes(xlsx.stdout).map((o) => o.E3)).toEqual(['unknown', 'not_met', 'not_met']);
  });
});
