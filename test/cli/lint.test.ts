// `screen lint` end to end: exit codes, one line per finding, the JSON shape, and usage errors.
import { describe, expect, test } from 'vitest';
import { runBin, runInProcess } from './run-cli-env.js';

describe('screen lint', () => {
  test('the shipped criteria directory is clean: exit 0 (as a subprocess)', () => {
    const r = runBin(['lint']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0 errors, 0 warnings in 5 files\n');
    expect(r.code).toBe(0);
  });

  test.each([
    [['test/fixtures/lint/never-met.yaml'], 1, /^test\/fixtures\/lint\/never-met\.yaml:18:7  error  never-met  criteria\[0\]\.rule: demographics\.weightKg > 5 and demographics\.weightKg < 3 can never all hold/m],
    [['test/fixtures/lint/unit-missing.yaml'], 0, /unit-missing .*\n0 errors, 1 warning in 1 file\n$/],
    [['test/fixtures/lint/yaml-syntax.yaml'], 1, /^test\/fixtures\/lint\/yaml-syntax\.yaml:15:5  error  yaml-syntax  Map keys must be unique$/m],
    [['test/fixtures/lint/scale.yaml', 'test/fixtures/lint/unused-definition.yaml'], 1, /1 error, 1 warning in 2 files\n$/],
    [['criteria/IM101-611.yaml'], 0, /^0 errors, 0 warnings in 1 file\n$/],
  ])('lint %j exits %i', async (args, code, output) => {
    const r = await runInProcess(['lint', ...args]);
    expect(r.stdout).toMatch(output);
    expect(r.code).toBe(code);
  });

  test('--format json carries findings and counts', async () => {
    const r = await runInProcess(['lint', '--format', 'json', 'test/fixtures/lint/duplicate-id.yaml']);
    const out = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; location: string }[]; errorCount: number; warningCount: number; fileCount: number };
    expect(out).toMatchObject({ errorCount: 1, warningCount: 0, fileCount: 1 });
    expect(out.findings).toEqual([expect.objectContaining({ rule: 'duplicate-id', severity: 'error', location: 'test/fixtures/lint/duplicate-id.yaml:18:9' })]);
    expect(r.code).toBe(1);
  });

  test.each([
    [['lint', 'no/such/file.yaml'], /^screen: no\/such\/file\.yaml: cannot read \(ENOENT\)\n$/],
    [['lint', 'criteria'], /^screen: criteria: is a directory/],
    [['lint', '--criteria-dir', 'no/such/dir'], /^screen: no\/such\/dir: cannot read the criteria directory \(ENOENT\)\n$/],
  ])('%j is a usage error (exit 2)', async (args, err) => {
    const r = await runInProcess(args);
    expect(r.stderr).toMatch(err);
    expect(r.code).toBe(2);
  });
});

test('subcommand flags reach the subcommand, not the screen command (trials --format json)', async () => {
  const r = await runInProcess(['trials', '--format', 'json']);
  expect(JSON.parse(r.stdout)).toContainEqual(expect.objectContaining({ id: 'IM101-611', nct: 'NCT02971683' }));
  expect(r.code).toBe(0);
});
