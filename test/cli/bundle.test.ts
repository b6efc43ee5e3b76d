// The start-up bundle stays small and fast: the YAML loader, full zod, csv-parse and the prompts
// live in lazily loaded bundles (scripts/bundle.mjs), and the V8 code cache written at build time
// is accepted. A static import of any of them from the screening path, or a stale cache, would
// silently cost start-up time; this catches both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createRequire } from 'node:module';
import { loadBundle } from '../../src/cli/load-bundle.js';
import { CriteriaError, OutputError, PatientDataError, UsageError } from '../../src/errors.js';
import { ROOT } from '../helpers/screening.js';

const MAIN = `${ROOT}dist/bundle/screen.cjs`;

test('dist/bundle/screen.cjs carries none of the lazily loaded libraries', () => {
  const bundle = readFileSync(MAIN, 'utf8');
  // (258.8 kB with chains of records and file record numbers; start-up measured 1.01-1.03x the
  // 246.9 kB build before them, within noise. A lazily loaded library is 50 kB or more.)
  expect(bundle.length).toBeLessThan(265_000);
  expect(bundle).not.toContain('YAMLParseError'); // yaml
  expect(bundle).not.toContain('ZodDiscriminatedUnion'); // full zod (classic)
  expect(bundle).not.toContain('CSV_INVALID_CLOSING_QUOTE'); // csv-parse
  expect(bundle).not.toContain('ExitPromptError'); // @inquirer/prompts
  expect(bundle).not.toContain('@duckdb/node-api'); // DuckDB, only for batch --engine duckdb
  expect(bundle).not.toContain('ROW_NUMBER() OVER'); // src/sql/context.ts + query.ts, only for screen sql and --engine duckdb (the kinds' toSql and src/sql/kit.ts are in by design)
  // and every lazy bundle it names exists
  const lazy = [...bundle.matchAll(/__lazyImport\("\.\/(lazy-[\w-]+\.cjs)"\)/g)].map((m) => m[1]);
  expect(lazy.length).toBeGreaterThan(3);
  const files = readdirSync(`${ROOT}dist/bundle`);
  for (const f of lazy) expect(files).toContain(f);
});

test('the lazy bundles hold what was moved out', () => {
  expect(readFileSync(`${ROOT}dist/bundle/lazy-criteria-criteria-dir.cjs`, 'utf8')).toContain('YAMLParseError');
  expect(readFileSync(`${ROOT}dist/bundle/lazy-batch-read-rows.cjs`, 'utf8')).toContain('CSV_INVALID_CLOSING_QUOTE');
  // pdfkit is required from node_modules (it reads its font metrics from there) only for --format pdf.
  expect(readFileSync(MAIN, 'utf8')).not.toContain('pdfkit');
  expect(readFileSync(`${ROOT}dist/bundle/lazy-report-pdf.cjs`, 'utf8')).toMatch(/from\s*"pdfkit"|require\("pdfkit"\)/);
});

test('the V8 code cache matches this Node.js and this bundle', () => {
  const { cacheRejected, exports } = loadBundle<{ run: unknown }>(MAIN);
  expect(cacheRejected).toBe(false);
  expect(typeof exports.run).toBe('function');
});

// Node's own modules cost start-up time too: what a one-patient run loads beyond bare node is
// listed by process.moduleLoadList. bin/screen.js and the lazy bundles are CommonJS (no ES module
// loader, whose set-up and asynchronous reads cost a run loading one ESM bundle about 10 ms), commander's
// child_process and chalk's terminal probe are stubbed in the start-up bundle, and standard input
// is only opened when read (scripts/bundle.mjs, bin/screen.js).
test('screening one patient loads none of the Node modules it does not use', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trial-screen-modules-'));
  const preload = join(dir, 'dump.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));");
  const loaded = (args: string[]) => {
    const out = join(dir, 'modules.txt');
    const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: ROOT, env: { ...process.env, MODULES_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(r.status, r.stderr).not.toBe(2);
    return readFileSync(out, 'utf8').split('\n');
  };
  const bare = new Set(loaded(['-e', '0']));
  for (const args of [
    ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611'],
    ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611', '--format', 'json'],
  ]) {
    const extra = loaded(args).filter((m) => !bare.has(m));
    expect(extra.length).toBeGreaterThan(0); // the preload did observe the run (vm at least)
    for (const heavy of ['NativeModule internal/modules/esm/module_job', 'NativeModule child_process', 'NativeModule dgram', 'NativeModule tty', 'NativeModule os', 'NativeModule internal/fs/promises']) {
      expect(extra, `${args.join(' ')} loads ${heavy}`).not.toContain(heavy);
    }
  }
});

test('a lazily loaded part of a one-patient run (a FHIR import, a printable report) starts no ES module loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trial-screen-modules-'));
  const preload = join(dir, 'dump.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));");
  for (const args of [
    ['bin/screen.js', 'test/fixtures/fhir/im101-611-eligible.bundle.json', '--trial', 'IM101-611'],
    ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611', '--format', 'md'],
    ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611', '--format', 'html', '--out', join(dir, 'record.html')],
  ]) {
    const out = join(dir, 'modules.txt');
    const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: ROOT, env: { ...process.env, MODULES_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(args.includes('test/fixtures/fhir/im101-611-eligible.bundle.json') ? 3 : 0);
    const modules = readFileSync(out, 'utf8').split('\n');
    // (The lazy bundle did load: its work is in the output.)
    expect(r.stdout.length + (args.includes('html') ? readFileSync(join(dir, 'record.html'), 'utf8').length : 0)).toBeGreaterThan(1000);
    expect(modules, `${args.join(' ')} starts the ES module loader`).not.toContain('NativeModule internal/modules/esm/module_job');
  }
});

// Each lazy bundle carries its own copy of the error classes: instanceof goes by brand and name, so
// a PatientDataError from the FHIR importer's bundle is caught as one in the batch bundle.
test('an error from another bundle\'s copy of the error classes is instanceof its class, and of no other', () => {
  const other = createRequire(import.meta.url)(`${ROOT}dist/bundle/lazy-errors.cjs`) as typeof import('../../src/errors.js');
  expect(other.PatientDataError).not.toBe(PatientDataError);
  const e = new other.PatientDataError([{ location: 'x', message: 'y' }]);
  expect(e instanceof PatientDataError).toBe(true);
  expect(e instanceof Error).toBe(true);
  for (const cls of [UsageError, CriteriaError, OutputError]) expect(e instanceof cls).toBe(false);
  expect(new other.UsageError('u') instanceof UsageError).toBe(true);
  expect(new Error('plain') instanceof PatientDataError).toBe(false);
  expect({ name: 'PatientDataError', problems: [] } instanceof PatientDataError).toBe(false);
  // A caller's subclass (the classes are exported) keeps ordinary instanceof.
  class MyUsage extends UsageError {}
  class RowError extends PatientDataError {
    override name = 'RowError';
  }
  expect(new UsageError('u') instanceof MyUsage).toBe(false);
  expect(new MyUsage('u') instanceof UsageError).toBe(true);
  expect(new RowError([]) instanceof PatientDataError).toBe(true);
  expect(new RowError([]) instanceof RowError).toBe(true);
});
