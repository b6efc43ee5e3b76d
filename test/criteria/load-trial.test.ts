import { describe, expect, test } from 'vitest';
import { parseTrial } from '../../src/criteria/load-trial.js';
import { CriteriaError } from '../../src/errors.js';
import { criteriaSet } from '../helpers/screening.js';

const header = `trial:
  id: T1
  nct: NCT00000001
  title: Test
  phase: Phase 2
  sponsor: Nobody
  source: test
  criteriaVersion: '1'
  completeness: complete
criteria:
`;

function problems(body: string): string[] {
  try {
    parseTrial(header + body, 'T1.yaml', criteriaSet.dictionary, criteriaSet.shared);
  } catch (e) {
    if (e instanceof CriteriaError) return e.problems.map((p) => `${p.location}: ${p.message}`);
    throw e;
  }
  return [];
}

const crit = (rule: string, id = 'I1') => `  - id: ${id}\n    type: inclusion\n    title: t\n    source: s\n    rule: ${rule}\n`;

describe('criteria file errors name file:line:column', () => {
  test.each([
    ['YAML syntax', '  - id: [unclosed\n', /^T1\.yaml:12:\d+: /],
    ['unknown kind', crit('{ kind: greaterThan, field: assessments.pga }'), /^T1\.yaml:15:\d+: criteria\[0\]\.rule\.kind: unknown or missing "kind"/],
    ['unknown key', crit('{ kind: is, field: assessments.activeRash, colour: red }'), /^T1\.yaml:15:\d+: criteria\[0\]\.rule: unknown key "colour"/],
    ['unknown field', crit('{ kind: is, field: assessments.activeRahs }'), /^T1\.yaml:15:\d+: criteria\[0\]\.rule\.field: "assessments\.activeRahs" is not a field in the data dictionary/],
    ['wrong field type', crit('{ kind: compare, field: assessments.activeRash, op: ">", value: 1 }'), /is a boolean field; this operator needs number or integer or scale/],
    ['enum value not in the dictionary', crit('{ kind: in, field: diagnosis.subtype, values: [dm, dermatomyositis] }'), /criteria\[0\]\.rule\.values\[1\]: "dermatomyositis" is not an allowed value/],
    ['unit mismatch', crit('{ kind: compare, field: assessments.pga, op: ">=", value: 20, unit: mm }'), /unit "mm" does not match the field's unit "cm"/],
    ['scale not given', crit('{ kind: compare, field: assessments.mmt8, op: "<=", value: 135 }'), /is a scale field: say which scale/],
    ['unknown definition', crit('{ kind: ref, definition: nothing }'), /unknown definition "nothing"/],
    ['labUln "through" without "within"', crit('{ kind: labUln, field: labs.ck, op: ">", times: 5, through: screening }'), /criteria\[0\]\.rule\.through: "through" extends a "within" window: give "within" too/],
    ['unknown calculator', crit('{ kind: calc, calculator: nope }'), /unknown calculator "nope"/],
    ['medication operator outside a medication quantifier', crit('{ kind: ongoing, at: randomization }'), /ongoing applies to a medication record/],
    ['at least more than there are', crit('{ kind: atLeast, n: 3, of: [{ kind: is, field: assessments.activeRash }] }'), /needs 3 of only 1 conditions: can never be met/],
    ['duplicate ids', crit('{ kind: is, field: assessments.activeRash }') + crit('{ kind: is, field: assessments.activeRash }'), /^T1\.yaml:\d+:\d+: criteria\[1\]\.id: duplicate criterion id "I1"/],
    ['custom tag', crit('!!js/function "function () {}"'), /^T1\.yaml:15:\d+: /],
  ])('%s', (_name, body, pattern) => {
    const found = problems(body);
    expect(found.some((p) => pattern.test(p)), JSON.stringify(found)).toBe(true);
  });

  test('definition cycles are rejected', () => {
    const body = crit('{ kind: ref, definition: a }');
    const text = header.replace('criteria:\n', `definitions:\n  a: { description: a, rule: { kind: ref, definition: b } }\n  b: { description: b, rule: { kind: ref, definition: a } }\ncriteria:\n`) + body;
    expect(() => parseTrial(text, 'T1.yaml', criteriaSet.dictionary, criteriaSet.shared)).toThrow(/definition cycle: a -> b -> a/);
  });

  test('an alias bomb is refused, not expanded', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`;
    expect(() => parseTrial(bomb, 'bomb.yaml', criteriaSet.dictionary, criteriaSet.shared)).toThrow(CriteriaError);
  });
});

test('the shipped IM101-611 file loads with a SHA-256', () => {
  const { trial } = { trial: parseTrial(header + crit('{ kind: is, field: assessments.activeRash }'), 'T1.yaml', criteriaSet.dictionary, criteriaSet.shared) };
  expect(trial.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(trial.criteria[0]?.id).toBe('I1');
});

// The audit trail: two records decided by different shared definitions must not carry the same hash.
test('a trial loaded from a directory is hashed with the shared files its rules read (cat trial fields definitions)', async () => {
  const { createHash } = await import('node:crypto');
  const { cpSync, mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadTrial, openCriteriaDir } = await import('../../src/criteria/criteria-dir.js');
  const { ROOT } = await import('../helpers/screening.js');
  const dir = mkdtempSync(join(tmpdir(), 'trial-screen-hash-'));
  cpSync(`${ROOT}criteria`, dir, { recursive: true });
  const cat = (...names: string[]) => createHash('sha256').update(Buffer.concat(names.map((n) => readFileSync(join(dir, n))))).digest('hex');
  const before = loadTrial(openCriteriaDir(dir), 'NCT04946669').sha256;
  expect(before).toBe(cat('NCT04946669.yaml', 'fields.yaml', 'definitions.yaml'));
  writeFileSync(join(dir, 'definitions.yaml'), `${readFileSync(join(dir, 'definitions.yaml'), 'utf8')}\n# changed\n`);
  expect(loadTrial(openCriteriaDir(dir), 'NCT04946669').sha256).not.toBe(before);
});
