// The benchmark scripts are not tests (timings are noisy), but they must keep running: run each
// once on a tiny input so a refactoring cannot silently break them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';

test('npm run bench:startup runs and reports ratios, for each case', () => {
  const r = spawnSync(process.execPath, ['scripts/bench-startup.mjs', '--runs', '1', '--warmup', '0'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^start-up, 1 alternating runs each, node v[\d.]+, /m);
  const lines = r.stdout.split('\n');
  for (const name of ['node -e 0 (baseline)', 'screen <eligible>.json --trial IM101-611', 'screen ... --format json', 'screen --help', 'screen <FHIR bundle> (import, lazily loaded)']) {
    expect(lines.find((l) => l.startsWith(`${name} `)), name).toMatch(/ +median +[\d.]+ ms +ratio [\d.]+×/);
  }
});

test('npm run bench runs on a tiny population: every section', () => {
  // --smoke: the measurements in one process (the first, csv-parse, in a child as in a real run);
  // the same code measures each. PostgreSQL is left out (--pg-rows 0): it would start a cluster.
  const r = spawnSync(process.execPath, ['scripts/bench-batch.mjs', '--rows', '40', '--jre-rows', '40', '--pg-rows', '0', '--smoke'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  // (The child's CPU time comes from GNU time, where the machine has it; the others' from the process.)
  const line = (name: string, unit: string, cpu = true) => new RegExp(`^  ${name} +\\d+ ${unit}, [\\d.]+ s ${cpu ? '\\(CPU [\\d.]+ s\\), ' : ''}peak RSS \\d+ MB$`, 'm');
  expect(r.stdout).toMatch(/^40 rows \(0 MB CSV\)$/m);
  expect(r.stdout).toMatch(line('bare csv-parse:', 'rows/s', existsSync('/usr/bin/time')));
  expect(r.stdout).toMatch(line('bare papaparse:', 'rows/s'));
  expect(r.stdout).toMatch(line('screen batch:', 'patients/s'));
  expect(r.stdout).toMatch(/^  batch time \/ bare csv-parse: [\d.]+x; \/ bare papaparse: [\d.]+x$/m);
  expect(r.stdout).toMatch(line('batch --engine duckdb:', 'patients/s'));
  expect(r.stdout).toMatch(line('batch --engine duckdb, Parquet:', 'patients/s'));
  expect(r.stdout).toMatch(line('DuckDB bare scan of the CSV:', 'rows/s'));
  expect(r.stdout).toMatch(line('DuckDB query on the layout:', 'patients/s'));
  expect(r.stdout).toMatch(/^ {4}\(loading the layout by COPY: [\d.]+ s\)$/m);
  expect(r.stdout).toMatch(/^  --engine duckdb \/ js speed: [\d.]+x; DuckDB query on the layout \/ JS batch: [\d.]+x; query time \/ bare scan: [\d.]+x$/m);
  expect(r.stdout).toMatch(/^  engines only, same 40 parsed patients:$/m);
  expect(r.stdout).toMatch(/^ {4}trial-screen evaluate .*: +\d+ patients\/s$/m);
  expect(r.stdout).toMatch(/^ {4}trial-screen explain .*: +\d+ patients\/s$/m);
  expect(r.stdout).toMatch(/^ {4}json-rules-engine .*: +\d+ patients\/s$/m);
  expect(r.stdout).toMatch(/^ {4}evaluate \/ json-rules-engine speed: [\d.]+x; explain \/ json-rules-engine: [\d.]+x$/m);
}, 60_000);
