// End to end through the real bin: `screen batch --engine duckdb` writes the same bytes (rows,
// summary, exit code) as `--engine js`, bad rows included; `screen sql` prints queries that run.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from 'vitest';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { ROOT, criteriaSet, example } from '../helpers/screening.js';
import { runBin } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'trial-screen-sql-cli-'));
const names = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).sort().map((f) => f.replace(/\.json$/, ''));
const patients = names.map((n) => example(n));

test.each(['ndjson', 'csv'])('batch --engine duckdb equals --engine js byte for byte (%s input, bad rows included)', (format) => {
  let file: string;
  if (format === 'ndjson') {
    const lines = patients.map((p) => JSON.stringify(p));
    lines.splice(3, 0, '{"id": "bad-date", "demographics": {"birthDate": "2020-13-01"}}', 'not json');
    file = join(dir, 'in.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
  } else {
    const { header, rows } = patientsToTable(patients, criteriaSet.dictionary);
    const bad = header.map((h) => (h === 'id' ? 'bad-row' : h === 'demographics.birthDate' ? 'yesterday' : ''));
    file = join(dir, 'in.csv');
    writeFileSync(file, [csvLine(header), ...rows.slice(0, 5).map((r) => csvLine(r)), csvLine(bad), ...rows.slice(5).map((r) => csvLine(r))].join(''));
  }
  const run = (engine: string) => {
    const summary = join(dir, `summary-${engine}.json`);
    const r = runBin(['batch', file, '--all', '--wide', '--engine', engine, '--summary', summary, '--as-of', '2026-11-16']);
    return { ...r, summary: readFileSync(summary, 'utf8') };
  };
  const js = run('js');
  const duck = run('duckdb');
  expect(js.code).toBe(4);
  expect(js.stdout.split('\n').filter((l) => l.includes(',error,')).length).toBeGreaterThan(0);
  expect(duck).toEqual(js);
});

test.each(['IM101-611', 'NCT04946669', 'NCT02347891'])('screen sql --trial %s prints a query that runs on the layout of screen sql --schema', async (trial) => {
  const schema = runBin(['sql', '--schema']);
  const query = runBin(['sql', '--trial', trial]);
  expect([schema.code, query.code, schema.stderr, query.stderr]).toEqual([0, 0, '', '']);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  await db.run(schema.stdout);
  const result = await db.runAndReadAll(query.stdout);
  expect(result.columnNames().slice(0, 7)).toEqual(['row_no', 'patient_id', 'trial', 'verdict', 'failed', 'unknown', 'review']);
  db.closeSync();
});

test('screen sql without --trial or --schema is a usage error', () => {
  const r = runBin(['sql']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/missing --trial/);
});
