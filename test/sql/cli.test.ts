// End to end through the CLI: `screen batch --engine duckdb` writes the same bytes (rows, summary,
// exit code) as `--engine js`, bad rows included; `screen sql` prints queries that run. Run
// in-process (run(argv, io), as bin/screen.js calls it: a process costs a start and a cold compile
// of every trial), and through the real bin once for each of its lazily loaded bundles in play
// here: the Parquet reader with the DuckDB screener, an error thrown from one (not Parquet), the
// SQL compiler, and a usage error.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from 'vitest';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { ROOT, criteriaSet, example } from '../helpers/screening.js';
import { runBin, runInProcess, type CliResult } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'trial-screen-sql-cli-'));
const names = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).sort().map((f) => f.replace(/\.json$/, ''));
const patients = names.map((n) => example(n));

/** The examples as CSV, with a bad row (an impossible birth date) after the fifth. */
function examplesCsv(): string {
  const file = join(dir, 'in.csv');
  if (existsSync(file)) return file;
  const { header, rows } = patientsToTable(patients, criteriaSet.dictionary);
  const bad = header.map((h) => (h === 'id' ? 'bad-row' : h === 'demographics.birthDate' ? 'yesterday' : ''));
  writeFileSync(file, [csvLine(header), ...rows.slice(0, 5).map((r) => csvLine(r)), csvLine(bad), ...rows.slice(5).map((r) => csvLine(r))].join(''));
  return file;
}

/**
 * `screen batch` of a file (or of patient files): output, stderr, exit code and the --summary file
 * (each run once), in-process unless `bin` (the real bin, in a process of its own).
 */
/** The CLI in-process (run(argv, io)) or through the real bin, in a process of its own. */
const cli = async (args: string[], how: 'in-process' | 'bin'): Promise<CliResult> => (how === 'bin' ? runBin(args) : runInProcess(args));

const runs = new Map<string, CliResult & { summary: string }>();
async function batch(file: string | string[], engine: string, how: 'in-process' | 'bin' = 'in-process') {
  const key = `${file} ${engine} ${how}`;
  const done = runs.get(key);
  if (done) return done;
  const summary = join(dir, `summary-${engine}.json`);
  const args = ['batch', ...[file].flat(), '--all', '--wide', '--engine', engine, '--summary', summary, '--as-of', '2026-11-16'];
  const r = await cli(args, how);
  runs.set(key, { ...r, summary: readFileSync(summary, 'utf8') });
  return runs.get(key) as CliResult & { summary: string };
}

// (Each screens every trial twice, DuckDB planning the three queries once: about 2 s.)
test.each(['ndjson', 'csv'])('batch --engine duckdb equals --engine js byte for byte (%s input, bad rows included)', async (format) => {
  let file: string;
  if (format === 'ndjson') {
    const lines = patients.map((p) => JSON.stringify(p));
    lines.splice(3, 0, '{"id": "bad-date", "demographics": {"birthDate": "2020-13-01"}}', 'not json');
    file = join(dir, 'in.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
  } else file = examplesCsv();
  const js = await batch(file, 'js');
  const duck = await batch(file, 'duckdb');
  expect(js.code).toBe(4);
  expect(js.stdout.split('\n').filter((l) => l.includes(',error,')).length).toBeGreaterThan(0);
  expect(duck).toEqual(js);
}, 60_000);

// Lists that may lack records: complete: false is the layout's flag FALSE, screened in SQL; a list
// complete only since a date goes to the JS engine (duckdb-batch.ts). Before either, SQL took such
// a list as complete and decided from records that may exist: the eligible example with
// medications not known complete came out eligible, not undetermined; every imported FHIR bundle
// lost its unknowns.
test('lists not known complete (complete: false, or complete only since a date): --engine duckdb equals --engine js byte for byte', async () => {
  const dict = criteriaSet.dictionary;
  const lists = [...dict.fields].filter(([, d]) => d.type === 'records');
  const variants = patients.flatMap((p, i) => [
    { ...p, id: `${names[i]}-incomplete`, completeness: Object.fromEntries(lists.map(([path]) => [path, { complete: false }])) },
    { ...p, id: `${names[i]}-since`, completeness: Object.fromEntries(lists.filter(([, d]) => d.type === 'records' && d.dated).map(([path]) => [path, { complete: true, since: '2026-06-01' }])) },
    // One list at a time, the others as they are (IM101-611's examples, the trial reading every
    // list): rows SQL screens and rows JS screens in one chunk.
    ...(names[i]?.startsWith('im101-611-') ? lists.map(([path]) => ({ ...p, id: `${names[i]}-${path}`, completeness: { [path]: { complete: false } } })) : []),
  ]);
  // Patient files, one each, and after them the FHIR bundles (the importer marks lists not known
  // complete): one run per engine for both (each --engine duckdb run over every trial is a few
  // seconds of DuckDB planning the three queries, whatever its rows).
  mkdirSync(join(dir, 'completeness'), { recursive: true });
  const files = [...patients, ...variants].map((p, i) => {
    const file = join(dir, 'completeness', `p${String(i + 1).padStart(3, '0')}.json`);
    writeFileSync(file, JSON.stringify(p));
    return file;
  });
  const bundles = readdirSync(`${ROOT}test/fixtures/fhir`).map((f) => `test/fixtures/fhir/${f}`);
  const js = await batch([...files, ...bundles], 'js');
  expect(js.code, js.stderr).toBe(0);
  expect(await batch([...files, ...bundles], 'duckdb')).toEqual(js);
  // The entries change outcomes (the comparison above is not of rows SQL decides alike either way).
  const verdict = (id: string) => js.stdout.split('\n').find((l) => l.split(',')[1] === id && l.split(',')[2] === 'IM101-611')?.split(',')[3];
  expect(verdict(example('im101-611-eligible').id as string)).toBe('eligible');
  expect(verdict('im101-611-eligible-medications')).toBe('undetermined');
  expect(verdict('im101-611-eligible-incomplete')).toBe('undetermined');
  // The bundles' rows (after the patient files), every trial's, some undetermined.
  const bundleRows = js.stdout.split('\n').filter((l) => Number(l.split(',')[0]) > files.length);
  expect(bundleRows.length).toBe(bundles.length * 3);
  expect(bundleRows.join('\n')).toContain(',undetermined,');
}, 60_000);

// Parquet columns are the CSV header's paths: text columns, or typed ones (numbers, dates, booleans
// as DuckDB infers them from the CSV), screen exactly as the CSV does, with either engine.
test('a Parquet file screens byte for byte as the same rows in CSV (text and typed columns, both engines, bad rows included)', async () => {
  const csv = examplesCsv();
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const scan = (types: string) => `read_csv('${csv}', header = true, delim = ',', quote = '"', escape = '"'${types})`;
  await db.run(`COPY (SELECT * FROM ${scan(', all_varchar = true')}) TO '${join(dir, 'text.parquet')}' (FORMAT parquet)`);
  // Review decisions (yes/no) stay text: DuckDB would infer yes/no as BOOLEAN, which reads back as true/false.
  const decisions = (readFileSync(csv, 'utf8').split('\n')[0] as string).split(',').filter((c) => c.endsWith('.decision'));
  await db.run(`COPY (SELECT * FROM ${scan(`, types = {${decisions.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`)}) TO '${join(dir, 'typed.parquet')}' (FORMAT parquet)`);
  const types = (await db.runAndReadAll(`SELECT DISTINCT column_type FROM (DESCRIBE SELECT * FROM '${join(dir, 'typed.parquet')}')`)).getRowObjectsJS().map((r) => r.column_type);
  db.closeSync();
  instance.closeSync();
  expect(types).toEqual(expect.arrayContaining(['VARCHAR', 'DOUBLE', 'DATE', 'BOOLEAN']));
  const want = await batch(csv, 'js');
  expect(want.code).toBe(4);
  expect(await batch(join(dir, 'text.parquet'), 'js')).toEqual(want);
  // The real bin: the Parquet reader and the DuckDB screener are lazily loaded bundles of its own.
  expect(await batch(join(dir, 'typed.parquet'), 'duckdb', 'bin')).toEqual(want);
}, 60_000);

test('a file that is not Parquet is a located input error (exit 2), not a stack trace', () => {
  const file = join(dir, 'not.parquet');
  writeFileSync(file, 'id\nP1\n');
  const r = runBin(['batch', file, '--all']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/not\.parquet: cannot be read as a Parquet file: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

/** `screen sql --schema`, run once for the three trials' queries (the layout is the same for each). */
let layout: Promise<CliResult> | undefined;
// (One trial's query printed by the real bin, the compiler a lazily loaded bundle of its own.)
test.each([
  ['IM101-611', 'in-process'],
  ['NCT04946669', 'in-process'],
  ['NCT02347891', 'bin'],
] as const)('screen sql --trial %s (%s) prints a query that runs on the layout of screen sql --schema', async (trial, how) => {
  layout ??= runInProcess(['sql', '--schema']);
  const schema = await layout;
  const query = await cli(['sql', '--trial', trial], how);
  expect([schema.code, query.code, schema.stderr, query.stderr]).toEqual([0, 0, '', '']);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(schema.stdout);
    const result = await db.runAndReadAll(query.stdout);
    expect(result.columnNames().slice(0, 7)).toEqual(['row_no', 'patient_id', 'trial', 'verdict', 'failed', 'unknown', 'review']);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
});

test('screen sql without --trial or --schema is a usage error', () => {
  const r = runBin(['sql']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/missing --trial/);
});

// One query per run: a second --trial was silently the only one printed (a new-user run-through).
test.each([
  [['--trial', 'IM101-611', '--trial', 'NCT04946669'], /--trial is given twice \("IM101-611" and "NCT04946669"\); give it once/],
  [['--schema', '--trial', 'IM101-611'], /--schema prints the layout every trial's query reads: give it without --trial/],
])('screen sql %j is a usage error, not one of them silently', async (args, message) => {
  const r = await runInProcess(['sql', ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
});
