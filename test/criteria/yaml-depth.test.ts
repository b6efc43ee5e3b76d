// A criteria file nested far too deeply is one located line, however much stack the caller has
// left: inside a test runner (less stack than the bin) the YAML parser failed at many nodes, and
// each failure was reported, 38 lines for the one mistake.
import { expect, test } from 'vitest';
import { CriteriaError } from '../../src/errors.js';
import { parseYaml, toData } from '../../src/criteria/yaml-source.js';

const deep = (n: number) => {
  let rule = '{ kind: is, field: assessments.activeRash }';
  for (let i = 0; i < n; i++) rule = `{ kind: not, of: ${rule} }`;
  return `criteria:\n  - { id: I1, rule: ${rule} }\n`;
};

/** The problems `text` is refused with, each "location: message". */
function refused(text: string): string[] {
  try {
    toData(parseYaml(text, 'BAD.yaml'));
  } catch (e) {
    if (e instanceof CriteriaError) return e.problems.map((p) => `${p.location}: ${p.message}`);
    throw e;
  }
  return [];
}

test.each([100, 2_000, 10_000, 30_000])('a rule nested %i levels deep: one located problem, "nested too deeply"', (n) => {
  const problems = refused(deep(n));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^BAD\.yaml(:\d+:\d+)?: nested too deeply \(more than 64 levels\): not a criteria file$/);
});
