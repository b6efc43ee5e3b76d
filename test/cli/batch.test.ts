import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { missingText } from '../../src/report/missing-words.js';
import { parseCsvOutput, runCli } from '../helpers/run-cli.js';
import { progressText } from '../../src/cli/batch-run.js';
import { runBin } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'screen-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { dictionary: dict } = openCriteriaDir();
const TRIAL = 'IM101-611';

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const exampleFiles = readdirSync('examples').filter((f) => f.endsWith('.json')).sort();
const examples = exampleFiles.map((f) => JSON.parse(readFileSync(join('examples', f), 'utf8')) as Record<string, unknown>);

function toCsv(patients: Record<string, unknown>[]): string {
  const { header, rows } = patientsToTable(patients, dict);
  return [csvLine(header), ...rows.map((r) => csvLine(r))].join('');
}

/** `screen` on one patient file, run once per file (the round-trip tests below compare every example with it four times). */
const singles = new Map<string, ReturnType<typeof screenSingle>>();
function singleVerdicts(file: string) {
  let r = singles.get(file);
  if (!r) singles.set(file, (r = screenSingle(file)));
  return r;
}

async function screenSingle(file: string) {
  const r = await runCli([file, '--trial', TRIAL, '--format', 'json']);
  const report = JSON.parse(r.stdout) as { verdict: string; criteria: { id: string; outcome: string }[]; missing: { field: string }[]; review: { id: string }[] };
  return { verdict: report.verdict, outcomes: Object.fromEntries(report.criteria.map((c) => [c.id, c.outcome])), missing: report.missing.map(missingText), review: report.review.map((x) => x.id) };
}

describe('round trip: batch agrees with single-patient screening', () => {
  test('the examples cover every verdict', async () => {
    const verdicts = new Set<string>();
    for (const f of exampleFiles) verdicts.add((await singleVerdicts(join('examples', f))).verdict);
    expect([...verdicts].sort()).toEqual(['eligible', 'ineligible', 'undetermined']);
  });

  test.each(['csv', 'ndjson', 'json'])('CSV input, %s output: every row equals `screen` on that patient', async (format) => {
    const input = write(`examples-${format}.csv`, toCsv(examples));
    const r = await runCli(['batch', input, '--trial', TRIAL, '--wide', '--format', format]);
    expect(r.code).toBe(0);
    const rows =
      format === 'csv'
        ? parseCsvOutput(r.stdout).map((row) => ({ ...row, outcomes: Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(`${TRIAL}:`)).map(([k, v]) => [k.slice(TRIAL.length + 1), v])) }))
        : format === 'ndjson'
          ? r.stdout.trim().split('\n').map((l) => JSON.parse(l))
          : JSON.parse(r.stdout);
    expect(rows).toHaveLength(examples.length);
    for (const [i, f] of exampleFiles.entries()) {
      const single = await singleVerdicts(join('examples', f));
      const row = rows[i];
      expect(Number(row.row), f).toBe(i + 1);
      expect(row.verdict, f).toBe(single.verdict);
      expect(row.outcomes, f).toEqual(single.outcomes);
      const list = (v: string | string[]) => (Array.isArray(v) ? v : v === '' ? [] : v.split(';'));
      expect(list(row.missing), f).toEqual(single.missing);
      expect(list(row.review), f).toEqual(single.review);
      expect(list(row.failed), f).toEqual(Object.entries(single.outcomes).filter(([id, o]) => (id.startsWith('E') ? o === 'met' : o === 'not_met')).map(([id]) => id));
    }
  });

  test('NDJSON input gives the same rows as CSV input', async () => {
    const csv = await runCli(['batch', write('rt.csv', toCsv(examples)), '--trial', TRIAL, '--format', 'ndjson']);
    const nd = await runCli(['batch', write('rt.ndjson', examples.map((e) => JSON.stringify(e)).join('\n') + '\n'), '--trial', TRIAL, '--format', 'ndjson']);
    expect(nd.code).toBe(0);
    expect(nd.stdout).toBe(csv.stdout);
  });
});

describe('nothing lost: bad rows are isolated', () => {
  const good = examples[0] as Record<string, unknown>;
  const header = 'id,demographics.birthDate,labs.ck.value,labs.ck.unit,labs.ck.uln,referenceDates.screening';
  const ok = (id: string) => `${id},1970-01-01,1500,U/L,200,2026-11-16`;

  test.each([
    ['wrong type', 'B,1970-01-01,lots,U/L,200,2026-11-16', 'labs.ck.value: expected a number, got "lots"'],
    ['bad date', 'B,1970-02-31,1500,U/L,200,2026-11-16', 'demographics.birthDate: "1970-02-31" is not a real calendar date'],
    ['ragged row', 'B,1970-01-01,1500', 'row: has 3 cells; the header has 6 columns'],
    ['too many cells', 'B,1970-01-01,1500,U/L,200,2026-11-16,extra', 'row: has 7 cells; the header has 6 columns'],
    ['unknown unit', 'B,1970-01-01,1500,mg,200,2026-11-16', 'labs.ck.unit: must be one of "U/L"'],
  ])('%s: the row is verdict error with column and reason; the rows around it are screened', async (_name, bad, reason) => {
    const file = write('bad.csv', [header, ok('A'), bad, ok('C')].join('\n') + '\n');
    const r = await runCli(['batch', file, '--trial', TRIAL]);
    expect(r.code).toBe(4);
    const rows = parseCsvOutput(r.stdout);
    expect(rows.map((x) => [x.row, x.patientId, x.verdict])).toEqual([
      ['1', 'A', 'undetermined'],
      ['2', 'B', 'error'],
      ['3', 'C', 'undetermined'],
    ]);
    expect(rows[1]?.errors).toContain(reason);
    expect(r.stderr).toContain('3 input rows, 1 with errors');
    // The trial's line does not call the error row screened.
    expect(r.stderr).toMatch(/\n[\w-]+: 3 rows, 2 screened; eligible 0 \(0%\), ineligible 0 \(0%\), undetermined 2 \(67%\), error 1 \(33%\)\n/);
  });

  test('a stray quote and an unterminated quote at the end each stay one error row', async () => {
    const file = write('quotes.csv', [header, ok('A'), 'B,"1970-01-01"x,1500,U/L,200,2026-11-16', ok('C'), 'D,"1970-01-01,1500,U/L,200,2026-11-16'].join('\n') + '\n');
    const r = await runCli(['batch', file, '--trial', TRIAL]);
    expect(r.code).toBe(4);
    const rows = parseCsvOutput(r.stdout);
    expect(rows.map((x) => [x.row, x.patientId, x.verdict])).toEqual([
      ['1', 'A', 'undetermined'],
      ['2', 'B', 'error'],
      ['3', 'C', 'undetermined'],
      ['4', '', 'error'],
    ]);
    expect(rows[3]?.errors).toMatch(/^row: not valid CSV: a quoted cell opened on line 5 is never closed, so line 5 could not be read/);
  });

  test('NDJSON: a line that is not JSON or not a valid patient is an error row with its line number', async () => {
    const file = write('bad.ndjson', [JSON.stringify(good), '{not json', '', JSON.stringify({ id: 'X', labs: { ck: { value: 'high' } } }), JSON.stringify(good)].join('\n'));
    const r = await runCli(['batch', file, '--trial', TRIAL, '--format', 'ndjson']);
    expect(r.code).toBe(4);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.row, x.verdict])).toEqual([
      [1, 'eligible'],
      [2, 'error'],
      [4, 'error'],
      [5, 'eligible'],
    ]);
    expect(rows[2].patientId).toBe('X');
    expect(rows[2].errors[0]).toMatch(/^\$\.labs\.ck\.value: expected number/);
  });
});

describe('CSV input details', () => {
  test('BOM, CRLF, quoted commas and quoted newlines', async () => {
    const text = '\uFEFFid,diagnosis.subtype,history.cardiacInvolvement\r\n"A, with comma",ibm,false\r\n"B\nsecond line",dm,true\r\n';
    const r = await runCli(['batch', write('crlf.csv', text), '--trial', TRIAL, '--format', 'ndjson', '--wide']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.row, x.patientId, x.verdict])).toEqual([
      [1, 'A, with comma', 'ineligible'],
      [2, 'B\nsecond line', 'ineligible'],
    ]);
    expect(rows[0].failed).toEqual(['I2', 'E1']);
    expect(rows[1].outcomes.E6).toBe('met');
  });

  test('empty cells are unknown, not zero or false', async () => {
    const r = await runCli(['batch', write('empty-cells.csv', 'id,assessments.mdi,history.cardiacInvolvement,history.permanentWeaknessNonIim\nA,,,\n'), '--trial', TRIAL, '--format', 'ndjson', '--wide']);
    const row = JSON.parse(r.stdout);
    expect(row.outcomes.E6).toBe('unknown');
    expect(row.missing).toEqual(expect.arrayContaining(['assessments.mdi', 'history.cardiacInvolvement']));
  });

  test('an empty list is written as count 0 (records) or "none" (enum lists); blank stays unknown', async () => {
    const text = 'id,malignancies.count,antibodies.positive,diagnosis.date,referenceDates.randomization\nNONE,0,none,2026-06-01,2026-12-01\nBLANK,,,2026-06-01,2026-12-01\n';
    const r = await runCli(['batch', write('lists.csv', text), '--trial', TRIAL, '--format', 'ndjson', '--wide']);
    const [none, blank] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect([none.outcomes.E7, none.outcomes.E8, none.outcomes.E12]).toEqual(['not_met', 'not_met', 'not_met']);
    expect([blank.outcomes.E7, blank.outcomes.E8, blank.outcomes.E12]).toEqual(['unknown', 'unknown', 'unknown']);
  });

  test('a misspelt column is an error before any row is screened; --ignore-unknown-columns screens without it', async () => {
    const file = write('unknown-col.csv', 'id,diagnosis.subtyp,labs.ck.valeu\nA,ibm,3\nB,dm,4\n');
    const out = join(dir, 'unknown-col-out.csv');
    const r = await runCli(['batch', file, '--trial', TRIAL, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown-col.csv header: unknown column "diagnosis.subtyp" (column 2, after "id") (did you mean "diagnosis.subtype"?): not a data-dictionary path');
    expect(r.stderr).toContain('unknown column "labs.ck.valeu" (column 3, after "diagnosis.subtyp") (did you mean "labs.ck.value"?)');
    expect(r.stderr).toContain('no row was screened; fix the header, or give --ignore-unknown-columns');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const ignored = await runCli(['batch', file, '--trial', TRIAL, '--ignore-unknown-columns']);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr.match(/unknown column "diagnosis.subtyp" \(column 2, after "id"\) \(did you mean "diagnosis.subtype"\?\), ignored/g)).toHaveLength(1);
    expect(parseCsvOutput(ignored.stdout).map((x) => x.verdict)).toEqual(['undetermined', 'undetermined']);
  });

  test('an unnamed column is named by its place; at the end of the line, the trailing separator a spreadsheet leaves is suggested', async () => {
    const r = await runCli(['batch', write('trailing.csv', 'id,demographics.ageYears,\nA,54,\n'), '--trial', TRIAL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trailing.csv header: column 3, after "demographics.ageYears" has no name (a separator at the end of the header line?)\n');
    const inner = await runCli(['batch', write('inner.csv', 'id,,demographics.ageYears\nA,,54\n'), '--trial', TRIAL]);
    expect(inner.stderr).toContain('inner.csv header: column 2, after "id" has no name\n');
    // Two empty columns at the end (an export's trailing separators): two unnamed columns, not a column named twice.
    const two = await runCli(['batch', write('two-empty.csv', 'id,demographics.ageYears,,\nA,54,,\n'), '--trial', TRIAL]);
    expect(two.stderr).toContain('two-empty.csv header: column 3, after "demographics.ageYears" has no name\n');
    expect(two.stderr).toContain('two-empty.csv header: column 4 has no name (a separator at the end of the header line?)\n');
    expect((await runCli(['batch', 'two-empty.csv', '--trial', TRIAL, '--ignore-unknown-columns'].map((a) => (a === 'two-empty.csv' ? join(dir, a) : a)))).code).toBe(0);
  });

  test('a header with no known column is an input error', async () => {
    const r = await runCli(['batch', write('nothing-known.csv', 'name:subtype\nA:ibm\n'), '--trial', TRIAL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/header: none of the 1 column is a data-dictionary path/);
    expect(r.stdout).toBe('');
  });

  test('empty file: one-line input error; header-only file: header-only output, exit 0', async () => {
    const empty = await runCli(['batch', write('empty.csv', ''), '--trial', TRIAL]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/empty\.csv: is empty: expected a header row/);
    const headerOnly = await runCli(['batch', write('header.csv', 'id,diagnosis.subtype\r\n'), '--trial', TRIAL, '--summary', join(dir, 'h-summary.json')]);
    expect(headerOnly.code).toBe(0);
    expect(headerOnly.stdout).toBe('row,patientId,trial,verdict,encoding,failed,unknown,review,missing,warnings,errors\r\n');
    expect(JSON.parse(readFileSync(join(dir, 'h-summary.json'), 'utf8')).rows).toBe(0);
    const json = await runCli(['batch', write('header2.csv', 'id\n'), '--trial', TRIAL, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});

describe('output', () => {
  test.each(['csv', 'ndjson', 'json'])('%s rows and the screen-failure summary say when a trial is only partly encoded', async (format) => {
    // The second row has too few cells: verdict error.
    const input = write(`partial-${format}.csv`, `${toCsv(examples.slice(0, 1))}ragged-row,1970-01-01\n`);
    const summaryFile = join(dir, `partial-${format}-summary.json`);
    const r = await runCli(['batch', input, '--trial', 'NCT02347891', '--trial', TRIAL, '--format', format, '--summary', summaryFile]);
    const rows: Record<string, unknown>[] =
      format === 'csv' ? parseCsvOutput(r.stdout) : format === 'ndjson' ? r.stdout.trim().split('\n').map((l) => JSON.parse(l)) : JSON.parse(r.stdout);
    expect(rows.map((x) => [x.trial, x.encoding])).toEqual([
      ['NCT02347891', 'partial'],
      [TRIAL, 'complete'],
      ['NCT02347891', 'partial'],
      [TRIAL, 'complete'],
    ]);
    expect(rows[2]?.verdict).toBe('error'); // a row that cannot be screened still carries the trial's encoding
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.trials.map((t: { trial: string; encoding: string }) => [t.trial, t.encoding])).toEqual([['NCT02347891', 'partial'], [TRIAL, 'complete']]);
    expect(summary.trials[0].encodingNote).toMatch(/Only the first five inclusion criteria are known/);
    expect(r.stderr).toMatch(/NCT02347891: 2 rows, 1 screened;[^\n]*\n  PARTIAL encoding: Only the first five inclusion criteria are known/);
    expect(r.stderr).not.toMatch(/IM101-611: 2 rows, 1 screened;[^\n]*\n  PARTIAL/);
  });
  test('CSV output neutralises formula cells', async () => {
    const r = await runCli(['batch', write('inject.csv', 'id,diagnosis.subtype\n"=HYPERLINK(""http://evil"",""x"")",ibm\n@SUM(1),ibm\n-1+2,ibm\n'), '--trial', TRIAL]);
    const lines = r.stdout.split('\r\n');
    expect(lines[1]).toMatch(/^1,"'=HYPERLINK\(""http:\/\/evil"",""x""\)",/);
    expect(lines[2]).toMatch(/^2,'@SUM\(1\),/);
    expect(lines[3]).toMatch(/^3,'-1\+2,/);
    // NDJSON keeps values as they are: it is not opened by spreadsheets.
    const nd = await runCli(['batch', join(dir, 'inject.csv'), '--trial', TRIAL, '--format', 'ndjson']);
    expect(JSON.parse(nd.stdout.split('\n')[0] as string).patientId).toBe('=HYPERLINK("http://evil","x")');
  });

  test('--out and --summary files; summary counts verdicts and per-criterion failures, unknowns and reviews', async () => {
    const input = write('sum.csv', toCsv(examples));
    const out = join(dir, 'out.csv');
    const summaryFile = join(dir, 'summary.json');
    const r = await runCli(['batch', input, '--trial', TRIAL, '--out', out, '--summary', summaryFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const rows = parseCsvOutput(readFileSync(out, 'utf8'));
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    const t = summary.trials[0];
    const count = (v: string) => rows.filter((x) => x.verdict === v).length;
    expect(t.verdicts).toEqual({ eligible: count('eligible'), ineligible: count('ineligible'), undetermined: count('undetermined'), error: 0 });
    for (const c of t.criteria) {
      expect(c.failed, c.id).toBe(rows.filter((x) => (x.failed ?? '').split(';').includes(c.id)).length);
      expect(c.unknown, c.id).toBe(rows.filter((x) => (x.unknown ?? '').split(';').includes(c.id)).length);
      expect(c.soleFailure, c.id).toBe(rows.filter((x) => x.failed === c.id).length);
    }
    expect(t.criteria.reduce((n: number, c: { failed: number }) => n + c.failed, 0)).toBeGreaterThan(0);
    expect(r.stderr).toContain(`${TRIAL}: ${examples.length} rows screened;`);
  });

  test('several trials: one output row per input row per trial, in input order', async () => {
    const criteria = join(dir, 'criteria');
    cpSync('criteria', criteria, { recursive: true });
    // Only IM101-611 and its copy, so that --all means exactly those two.
    for (const f of readdirSync(criteria)) if (/^NCT\d+\.yaml$/.test(f)) rmSync(join(criteria, f));
    writeFileSync(join(criteria, 'ZZ-COPY.yaml'), readFileSync('criteria/IM101-611.yaml', 'utf8').replace('id: IM101-611', 'id: ZZ-COPY'));
    const input = write('multi.csv', toCsv(examples.slice(0, 3)));
    const byFlag = await runCli(['batch', input, '--trial', TRIAL, '--trial', 'ZZ-COPY', '--criteria-dir', criteria, '--format', 'ndjson']);
    const rows = byFlag.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => `${x.row}:${x.trial}`)).toEqual(['1:IM101-611', '1:ZZ-COPY', '2:IM101-611', '2:ZZ-COPY', '3:IM101-611', '3:ZZ-COPY']);
    const all = await runCli(['batch', input, '--all', '--criteria-dir', criteria, '--format', 'ndjson']);
    expect(all.stdout).toBe(byFlag.stdout);
  });

  test.each([
    [['batch', 'x.csv'], 'missing --trial <id> or --all'],
    [['batch', 'x.csv', '--trial', TRIAL, '--all'], 'give either --trial or --all, not both'],
    [['batch', 'nope.csv', '--trial', TRIAL], 'nope.csv: no such file'],
    [['batch', 'x.txt', '--trial', TRIAL], 'cannot tell the format of "x.txt"'],
    [['batch', 'x.csv', '--trial', TRIAL, '--as-of', '2026-02-30'], '--as-of needs a real date'],
    [['batch', 'x.ndjson', '--trial', TRIAL, '--delimiter', ';'], '--delimiter is for CSV input (this is ndjson)'],
    [['batch', 'x.csv', '--trial', TRIAL, '--sheet', 'Sheet1'], '--sheet is for .xlsx workbooks'],
  ])('usage error %j', async (args, message) => {
    writeFileSync(join(dir, 'x.csv'), 'id\nA\n');
    writeFileSync(join(dir, 'x.txt'), 'id\nA\n');
    writeFileSync(join(dir, 'x.ndjson'), '{"id":"A"}\n');
    const r = await runCli(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('patient JSON files: screen batch a.json b.json …', () => {
  const files = exampleFiles.map((f) => join('examples', f));
  test('every example file, one row each in the order given: the same bytes as the same patients as NDJSON, both engines, every trial', async () => {
    const ndjson = write('examples.ndjson', `${examples.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const asRows = await runCli(['batch', ndjson, '--all', '--wide']);
    expect(asRows.code).toBe(0);
    expect(parseCsvOutput(asRows.stdout).length).toBe(files.length * 3);
    for (const engine of ['js', 'duckdb']) {
      const r = await runCli(['batch', ...files, '--all', '--wide', '--engine', engine]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(asRows.stdout);
      expect(r.stderr).toBe(asRows.stderr);
    }
  }, 60_000);

  test('a file that cannot be read or is not a patient is an error row naming it; the others are screened; a repeated id names both files', async () => {
    const good = files[0] as string;
    const bad = {
      'missing.json': undefined,
      'not-json.json': 'not json',
      'empty.json': '  ',
      'duplicate-key.json': '{"id":"A","id":"B"}',
      'array.json': '[]',
      'wrong-type.json': '{"id":"W","labs":{"ck":{"value":"high"}}}',
    } as Record<string, string | undefined>;
    const names = Object.keys(bad).map((n) => join(dir, n));
    for (const [n, text] of Object.entries(bad)) if (text !== undefined) write(n, text);
    const r = await runCli(['batch', good, ...names, good, '--trial', TRIAL]);
    expect(r.code).toBe(4);
    const rows = parseCsvOutput(r.stdout);
    expect(rows.map((x) => [x.row, x.verdict])).toEqual([['1', 'eligible'], ...names.map((_, i) => [String(i + 2), 'error']), [String(names.length + 2), 'eligible']]);
    names.forEach((n, i) => expect(rows[i + 1]?.errors, n).toContain(n));
    expect(rows.find((x) => x.errors?.includes('wrong-type'))?.patientId).toBe('W');
    expect(r.stderr).toContain(`warning: ${good}: patient id "${examples[0]?.id}" also in ${good}`);
    expect(r.stderr).toContain(`Screen-failure summary: ${names.length + 2} input rows, ${names.length} with errors`);
  });

  // Through the real bin, where the FHIR importer is a bundle of its own with its own copy of the
  // error classes: a bundle it refuses ended the whole run (exit 2) instead of being an error row.
  test('a FHIR Bundle the importer refuses, or text that only says Bundle, is an error row too (the real bin)', () => {
    const good = files[0] as string;
    const bad = [write('bundle-entry.json', '{"resourceType": "Bundle", "type": "collection", "entry": "nope"}'), write('bundle-cut.json', '{"resourceType": "Bundle"')];
    const r = runBin(['batch', good, ...bad, good, '--trial', TRIAL]);
    expect(r.code, r.stderr).toBe(4);
    const rows = parseCsvOutput(r.stdout);
    expect(rows.map((x) => x.verdict)).toEqual(['eligible', 'error', 'error', 'eligible']);
    expect(rows[1]?.errors).toContain(`${bad[0]} $.entry: must be a list of entries`);
    expect(rows[2]?.errors).toMatch(/bundle-cut\.json:1:\d+: invalid JSON/);
  });

  test('a FHIR Bundle among them is imported, as screen imports it: the same verdict, its import notes on stderr', async () => {
    const bundles = readdirSync('test/fixtures/fhir').filter((f) => f.endsWith('.bundle.json')).sort().map((f) => join('test/fixtures/fhir', f));
    expect(bundles.length).toBeGreaterThan(1);
    const r = await runCli(['batch', ...bundles, '--all']);
    const rows = parseCsvOutput(r.stdout);
    for (const [i, b] of bundles.entries()) {
      expect(r.stderr).toContain(`import: ${b}:`);
      for (const t of ['IM101-611', 'NCT02347891', 'NCT04946669']) {
        const alone = JSON.parse((await runCli([b, '--trial', t, '--format', 'json'])).stdout) as { verdict: string };
        expect(rows.find((x) => x.row === String(i + 1) && x.trial === t)?.verdict, `${b} ${t}`).toBe(alone.verdict);
      }
    }
  }, 60_000);

  test.each([
    [['a.json', 'b.csv'], 'several inputs must all be patient JSON files (.json), one patient each; "b.csv" is not'],
    [['a.csv', 'b.csv'], 'several inputs must all be patient JSON files (.json), one patient each; "a.csv" is not'],
    [['a.json', '-'], 'standard input (-) is one input of rows on its own'],
    [['a.json', 'a.json', '--input-format', 'ndjson'], '--input-format ndjson is for one file of rows'],
    [['a.json', '--delimiter', ';'], '--delimiter is for CSV input (this is json)'],
    [['a.json', '--sheet', 'S'], '--sheet is for .xlsx workbooks'],
    [['a.json', 'a.json', '--out', 'a.json'], '--out is the same file as the input'],
  ])('usage error %j', async (args, message) => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(examples[0]));
    const r = await runCli(['batch', ...args, '--trial', TRIAL], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('the progress line', () => {
  test.each([
    [256, 0.5, undefined, 0, 'screening: 256 rows, 512 rows/s'],
    // Before 1% of the file or in the first 2 s: its share, no time left (a guess from a few rows).
    [256, 2.5, 200e6, 1.9e6, 'screening: 256 rows, 102 rows/s · 0% of 200 MB'],
    [25_600, 1.9, 200e6, 40e6, 'screening: 25,600 rows, 13,474 rows/s · 20% of 200 MB'],
    [20_000, 4, 200e6, 2e6, 'screening: 20,000 rows, 5,000 rows/s · 1% of 200 MB · 06:36 left'],
    [12_000, 30, 20e6, 9.6e6, 'screening: 12,000 rows, 400 rows/s · 48% of 20 MB · 00:33 left'],
    // Seconds rounded before they are split: 59.6 s is 01:00, never 00:60.
    [1_000, 59.6, 1e6, 0.5e6, 'screening: 1,000 rows, 17 rows/s · 50% of 1.0 MB · 01:00 left'],
    [1_000, 10, 1e6, 2e6, 'screening: 1,000 rows, 100 rows/s · 100% of 1.0 MB · 00:00 left'],
    // An hour or more: h:mm:ss.
    [50_000, 1800, 1e9, 0.2e9, 'screening: 50,000 rows, 28 rows/s · 20% of 1000 MB · 2:00:00 left'],
    [50_000, 900, 1e9, 0.2e9, 'screening: 50,000 rows, 56 rows/s · 20% of 1000 MB · 1:00:00 left'],
    [50_000, 899, 1e9, 0.2e9, 'screening: 50,000 rows, 56 rows/s · 20% of 1000 MB · 59:56 left'],
  ])('progress text: %i rows in %f s, %s bytes, %f read', (rows, secs, total, read, want) => {
    expect(progressText(rows, secs, total, read)).toBe(want);
  });
});

describe('end to end (bin/screen.js)', () => {
  test('stdin, format detected from content; no progress output when stderr is not a terminal', async () => {
    const csv = toCsv(examples);
    const r = spawnSync(process.execPath, ['bin/screen.js', 'batch', '-', '--trial', TRIAL, '--as-of', '2026-11-16'], { input: csv, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\r\n')).toHaveLength(examples.length + 1);
    expect(r.stderr).not.toContain('rows/s');
    expect(r.stderr).toContain('Screen-failure summary');
    // (NDJSON told from its content too; the pipe and the terminal checks are the run above's.)
    const nd = await runCli(['batch', '-', '--trial', TRIAL, '--format', 'ndjson'], { stdin: examples.map((e) => JSON.stringify(e)).join('\n') });
    expect(nd.code).toBe(0);
    expect(nd.stdout.trim().split('\n')).toHaveLength(examples.length);
  });

  test('a progress line on stderr when it is a terminal', async () => {
    const many = toCsv(Array.from({ length: 1030 }, (_, i) => ({ ...(examples[0] as object), id: `P${i}` })));
    const r = await runCli(['batch', write('many.csv', many), '--trial', TRIAL, '--out', join(dir, 'many-out.csv')], { ttyStderr: true });
    expect(r.code).toBe(0);
    // Rows done, rate, and from the bytes read: the percentage of the file (and the time left, after
    // 2 s: see progressText's tests).
    expect(r.stderr).toMatch(/\r\x1b\[Kscreening: [\d,]+ rows, [\d,]+ rows\/s · \d+% of [\d.]+ MB/);
    expect(parseCsvOutput(readFileSync(join(dir, 'many-out.csv'), 'utf8'))).toHaveLength(1030);
    const quiet = await runCli(['batch', join(dir, 'many.csv'), '--trial', TRIAL, '--out', join(dir, 'many-out.csv'), '--no-progress'], { ttyStderr: true });
    expect(quiet.stderr).not.toContain('rows/s');
  });
});

test('batch rows warn about mistyped review keys too', async () => {
  const p = JSON.parse(readFileSync('examples/im101-611-eligible.json', 'utf8'));
  p.reviews['IM101-611']['I5-investigatr'] = p.reviews['IM101-611']['I5-investigator'];
  delete p.reviews['IM101-611']['I5-investigator'];
  const r = await runCli(['batch', '-', '--trial', 'IM101-611', '--format', 'ndjson', '--input-format', 'ndjson'], { stdin: `${JSON.stringify(p)}\n` });
  const row = JSON.parse(r.stdout.trim());
  expect(row.verdict).toBe('undetermined');
  expect(JSON.stringify(row.warnings)).toContain('not a review item of IM101-611 (did you mean \\"I5-investigator\\"?)');
});
