// The start-up bundle stays small and fast: the YAML loader, full zod, csv-parse and the prompts
// live in lazily loaded bundles (scripts/bundle.mjs), and the V8 code cache written at build time
// is accepted. A static import of any of them from the screening path, or a stale cache, would
// silently cost start-up time; this catches both.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { loadBundle } from '../../src/cli/load-bundle.js';
import { ROOT } from '../helpers/screening.js';

const MAIN = `${ROOT}dist/bundle/screen.cjs`;

test('dist/bundle/screen.cjs carries none of the lazily loaded libraries', () => {
  const bundle = readFileSync(MAIN, 'utf8');
  expect(bundle.length).toBeLessThan(250_000);
  expect(bundle).not.toContain('YAMLParseError'); // yaml
  expect(bundle).not.toContain('ZodDiscriminatedUnion'); // full zod (classic)
  expect(bundle).not.toContain('CSV_INVALID_CLOSING_QUOTE'); // csv-parse
  expect(bundle).not.toContain('ExitPromptError'); // @inquirer/prompts
  expect(bundle).not.toContain('@duckdb/node-api'); // DuckDB, only for batch --engine duckdb
  expect(bundle).not.toContain('ROW_NUMBER() OVER'); // src/sql/context.ts + query.ts, only for screen sql and --engine duckdb (the kinds' toSql and src/sql/kit.ts are in by design)
  // and every lazy bundle it names exists
  const lazy = [...bundle.matchAll(/__lazyImport\("\.\/(lazy-[\w-]+\.js)"\)/g)].map((m) => m[1]);
  expect(lazy.length).toBeGreaterThan(3);
  const files = readdirSync(`${ROOT}dist/bundle`);
  for (const f of lazy) expect(files).toContain(f);
});

test('the lazy bundles hold what was moved out', () => {
  expect(readFileSync(`${ROOT}dist/bundle/lazy-criteria-criteria-dir.js`, 'utf8')).toContain('YAMLParseError');
  expect(readFileSync(`${ROOT}dist/bundle/lazy-batch-read-rows.js`, 'utf8')).toContain('CSV_INVALID_CLOSING_QUOTE');
  // pdfkit is required from node_modules (it reads its font metrics from there) only for --format pdf.
  expect(readFileSync(MAIN, 'utf8')).not.toContain('pdfkit');
  expect(readFileSync(`${ROOT}dist/bundle/lazy-report-pdf.js`, 'utf8')).toMatch(/from\s*"pdfkit"|require\("pdfkit"\)/);
});

test('the V8 code cache matches this Node.js and this bundle', () => {
  const { cacheRejected, exports } = loadBundle<{ run: unknown }>(MAIN);
  expect(cacheRejected).toBe(false);
  expect(typeof exports.run).toBe('function');
});
