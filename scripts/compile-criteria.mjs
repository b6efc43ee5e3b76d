// Build step: compile the built-in criteria/ into dist/criteria.compiled.json (see src/criteria/compiled.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCriteriaDir } from '../dist/criteria/compile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const compiled = compileCriteriaDir(`${root}criteria`);
  writeFileSync(`${root}dist/criteria.compiled.json`, JSON.stringify(compiled));
} catch (e) {
  // A broken criteria file must not break the install: the CLI then loads the files directly
  // and reports the problem with its location.
  console.error(`note: criteria not precompiled: ${e.message.split('\n')[0]}`);
}
