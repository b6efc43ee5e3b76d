// Build step: compile the built-in criteria/ into dist/criteria.compiled.json and the source texts
// it was compiled from into dist/criteria.compiled.sources (see src/criteria/compiled.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCriteriaDir } from '../dist/criteria/compile.js';
import { toStored } from '../dist/criteria/compiled.js';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const { stored, sourcesText } = toStored(compileCriteriaDir(`${root}criteria`));
  writeFileSync(`${root}dist/criteria.compiled.sources`, sourcesText);
  writeFileSync(`${root}dist/criteria.compiled.json`, JSON.stringify(stored));
} catch (e) {
  // A broken criteria file must not break the install: the CLI then loads the files directly
  // and reports the problem with its location.
  console.error(`note: criteria not precompiled: ${e.message.split('\n')[0]}`);
}
