// The start-up bundle stays small: the YAML loader, full zod, csv-parse and the prompts live in
// lazily loaded bundles (see scripts/bundle.mjs). A static import of any of them from the
// screening path would silently double start-up time; this catches it.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';

test('dist/bundle/screen.js carries none of the lazily loaded libraries', () => {
  const bundle = readFileSync(`${ROOT}dist/bundle/screen.js`, 'utf8');
  expect(bundle.length).toBeLessThan(250_000);
  expect(bundle).not.toContain('YAMLParseError'); // yaml
  expect(bundle).not.toContain('ZodDiscriminatedUnion'); // full zod (classic)
  expect(bundle).not.toContain('CSV_INVALID_CLOSING_QUOTE'); // csv-parse
  expect(bundle).not.toContain('ExitPromptError'); // @inquirer/prompts
});
