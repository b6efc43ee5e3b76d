// A criteria file with a bad calculator param fails to load with its file:line:column, not at screening time.
import { expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { parseTrial } from '../../src/criteria/load-trial.js';
import { CriteriaError } from '../../src/errors.js';

const set = openCriteriaDir();
const file = (params: string) => `trial: { id: T, nct: NCT00000000, title: t, phase: p, sponsor: s, source: s, criteriaVersion: '1', completeness: complete }
criteria:
  - id: I1
    type: inclusion
    title: t
    source: s
    rule: { kind: calc, calculator: prednisoneEquivalentPerKg, params: ${params} }
`;

test.each([
  ['{ op: "<", mgPerKgPerDay: 1 }', null],
  ['{ op: "<" }', /T\.yaml:7:\d+: criteria\[0\]\.rule\.params: params\.mgPerKgPerDay/],
  ['{ op: "~", mgPerKgPerDay: 1 }', /params\.op/],
  ['{ op: "<", mgPerKgPerDay: 1, unit: mg }', /unit/],
])('params %s', (params, error) => {
  const load = () => parseTrial(file(params), 'T.yaml', set.dictionary, set.shared);
  if (error === null) expect(load().criteria).toHaveLength(1);
  else {
    expect(load).toThrow(CriteriaError);
    expect(() => load()).toThrow(error);
  }
});
