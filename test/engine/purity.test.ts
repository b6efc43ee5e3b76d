// The engine and the rule kinds it compiles are pure: no I/O, no process, no console, no clock,
// no presentation. The rule modules also load no zod at run time (only their schema builders use it).
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';

const files = ['engine', 'rules'].flatMap((d) =>
  readdirSync(`${ROOT}src/${d}`, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`),
);

test.each(files)('src/%s has no I/O, clock or presentation', (file) => {
  const text = readFileSync(`${ROOT}src/${file}`, 'utf8');
  expect(text).not.toMatch(/from ['"](node:)?(fs|fs\/promises|path|child_process|process|os)['"]/);
  expect(text).not.toMatch(/from ['"](chalk|@inquirer\/prompts|commander)['"]/);
  expect(text).not.toMatch(/\bprocess\.|\bconsole\.|Date\.now|new Date\(|performance\.now/);
  expect(text).not.toMatch(/from ['"]\.\.\/report\//);
});

test.each(files.filter((f) => f.startsWith('rules/') && f !== 'rules/schema.ts'))('src/%s imports zod for types only', (file) => {
  expect(readFileSync(`${ROOT}src/${file}`, 'utf8')).not.toMatch(/^import (?!type)[^;]*from ['"]zod['"]/m);
});
