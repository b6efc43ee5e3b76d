// The engine is a pure library: no I/O, no process, no console, no clock, no presentation.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';

const dir = `${ROOT}src/engine`;
const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));

test.each(files)('src/engine/%s has no I/O, clock or presentation', (file) => {
  const text = readFileSync(`${dir}/${file}`, 'utf8');
  expect(text).not.toMatch(/from ['"](node:)?(fs|fs\/promises|path|child_process|process|os)['"]/);
  expect(text).not.toMatch(/from ['"](chalk|@inquirer\/prompts|commander)['"]/);
  expect(text).not.toMatch(/\bprocess\.|\bconsole\.|Date\.now|new Date\(|performance\.now/);
  expect(text).not.toMatch(/from ['"]\.\.\/report\//);
});
