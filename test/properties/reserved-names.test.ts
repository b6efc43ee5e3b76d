// Property: a name that lives on every JavaScript object (constructor, toString, __proto__, …)
// used as a review id, trial id, key, CSV header or definition name never crashes a command
// (exit 70) and never drives a verdict: it is refused as input (exit 2; lint exit 1).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';
import { runInProcess } from '../cli/run-cli.js';

const NAMES = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'];
const tmp = mkdtempSync(join(tmpdir(), 'screen-reserved-'));
const eligible = JSON.parse(readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8'));
let n = 0;
const write = (text: string, ext: string) => {
  const p = join(tmp, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
};
const criteria = (edit: (yaml: string) => string) => {
  const dir = join(tmp, `c${n++}`);
  cpSync(`${ROOT}criteria`, dir, { recursive: true });
  const f = join(dir, 'IM101-611.yaml');
  writeFileSync(f, edit(readFileSync(f, 'utf8')));
  return dir;
};

type Case = { args: string[]; expected: number[] };
const places: Record<string, (name: string) => Case> = {
  patientKey: (name) => ({ args: [write(`{"assessments": {${JSON.stringify(name)}: 1}, "id": "x"}`, 'json'), '--trial', 'IM101-611'], expected: [2] }),
  reviewId: (name) => ({ args: [write(JSON.stringify({ ...eligible, reviews: { 'IM101-611': { [name]: { decision: 'no', by: 'Dr A', date: '2026-11-16' } } } }).replace(`"${name}"`, JSON.stringify(name)), 'json'), '--trial', 'IM101-611'], expected: [2] }),
  reviewTrial: (name) => ({ args: [write(`{"reviews": {${JSON.stringify(name)}: {}}}`, 'json'), '--all'], expected: [2] }),
  ndjsonKey: (name) => ({ args: ['batch', write(`{${JSON.stringify(name)}: {"x": 1}}\n`, 'ndjson'), '--trial', 'IM101-611'], expected: [4] }),
  csvHeader: (name) => ({ args: ['batch', write(`id,reviews.IM101-611.${name}.decision\nA,yes\n`, 'csv'), '--trial', 'IM101-611'], expected: [2] }),
  csvHeaderTrial: (name) => ({ args: ['batch', write(`id,reviews.${name}.I5-investigator.decision,labs.${name}.value\nA,yes,1\n`, 'csv'), '--trial', 'IM101-611'], expected: [2] }),
  trialFlag: (name) => ({ args: ['examples/im101-611-eligible.json', '--trial', name], expected: [2] }),
  show: (name) => ({ args: ['show', name], expected: [2] }),
  template: (name) => ({ args: ['template', name, '--format', 'csv'], expected: [2] }),
  criteriaReviewId: (name) => ({ args: ['examples/im101-611-eligible.json', '--trial', 'IM101-611', '--criteria-dir', criteria((y) => y.replace('id: I5-investigator', `id: ${JSON.stringify(name)}`))], expected: [2] }),
  criteriaDefinition: (name) => ({ args: ['lint', '--criteria-dir', criteria((y) => y.replace('definition: myositisSpecificAntibody }', `definition: ${JSON.stringify(name)} }`))], expected: [1] }),
};

test('reserved names anywhere: no exit 70, no verdict', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...NAMES), fc.constantFrom(...Object.keys(places)), async (name, place) => {
      const c = (places[place] as (n: string) => Case)(name);
      const r = await runInProcess(c.args);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(c.expected, `${place} ${name}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    }),
    { numRuns: 60, seed: 11 },
  );
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
