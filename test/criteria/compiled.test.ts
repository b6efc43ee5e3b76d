// The compiled criteria are used only while every source file is exactly what was compiled, and
// then give the same trials and dictionary as loading the YAML.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { compileCriteriaDir } from '../../src/criteria/compile.js';
import { fromStored, loadFromCompiled, toStored } from '../../src/criteria/compiled.js';
import { loadAllTrials, openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { ROOT } from '../helpers/screening.js';

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'compiled-'));
  cpSync(`${ROOT}criteria`, dir, { recursive: true });
  return dir;
}

test('unchanged files: the compiled form, as stored on disk, equals the YAML', () => {
  const dir = copy();
  const { stored, sourcesText } = toStored(compileCriteriaDir(dir));
  const compiled = fromStored(JSON.parse(JSON.stringify(stored)), () => sourcesText);
  const fast = loadFromCompiled(dir, compiled, 'all');
  const set = openCriteriaDir(dir);
  expect(fast?.fromCache).toBe(true);
  expect(fast?.trials).toEqual(loadAllTrials(set));
  expect([...(fast?.dictionary.fields.keys() ?? [])]).toEqual([...set.dictionary.fields.keys()]);
  rmSync(dir, { recursive: true });
});

test.each(['fields.yaml', 'definitions.yaml', 'IM101-611.yaml'])('any change to %s (even a comment) falls back to the full loader', (file) => {
  const dir = copy();
  const compiled = compileCriteriaDir(dir);
  appendFileSync(join(dir, file), '\n# edited\n');
  expect(loadFromCompiled(dir, compiled, ['IM101-611'])).toBeUndefined();
  rmSync(dir, { recursive: true });
});

test('a trial file added after compiling is not served from the compiled form', () => {
  const dir = copy();
  const compiled = compileCriteriaDir(dir);
  cpSync(join(dir, 'IM101-611.yaml'), join(dir, 'NEW.yaml'));
  expect(loadFromCompiled(dir, compiled, ['NEW'])).toBeUndefined();
  expect(loadFromCompiled(dir, compiled, ['IM101-611'])?.fromCache).toBe(true);
  rmSync(dir, { recursive: true });
});
