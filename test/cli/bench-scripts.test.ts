// The benchmark scripts are not tests (timings are noisy), but they must keep running: run each
// once on a tiny input so a refactoring cannot silently break them.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';

test('npm run bench:startup runs and reports ratios', () => {
  const r = spawnSync(process.execPath, ['scripts/bench-startup.mjs', '--runs', '1', '--warmup', '0'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/screen <eligible>\.json --trial IM101-611 +median +[\d.]+ ms +ratio [\d.]+×/);
});

test('npm run bench runs on a tiny population', () => {
  const r = spawnSync(process.execPath, ['scripts/bench-batch.mjs', '--rows', '300', '--jre-rows', '200', '--pg-rows', '0'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/patients\/s/);
  expect(r.stdout).toMatch(/json-rules-engine/);
  expect(r.stdout).toMatch(/DuckDB query on the layout/);
}, 60_000);
