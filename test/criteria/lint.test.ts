// Lint: one deliberately broken criteria file per check (each marks its expected findings inline
// with "# expect: RULE"), range reasoning at its boundaries, and the real criteria/ being clean.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lintCriteria, LINT_RULES, type LintFile } from '../../src/criteria/lint.js';

const root = new URL('../../', import.meta.url);
const file = (p: string): LintFile => ({ file: p, text: readFileSync(new URL(p, root), 'utf8') });
const dictionary = file('criteria/fields.yaml');
const definitions = file('criteria/definitions.yaml');
const fixtures = readdirSync(new URL('test/fixtures/lint/', root)).filter((f) => f.endsWith('.yaml')).sort();

function expected(text: string): string[] {
  return text.split('\n').flatMap((line, i) => [...line.matchAll(/# expect: ([a-z-]+)/g)].map((m) => `${m[1]}@${i + 1}`));
}

describe('broken-file corpus: exactly the marked findings', () => {
  test.each(fixtures)('%s', (name) => {
    const f = file(`test/fixtures/lint/${name}`);
    const result = lintCriteria({ dictionary, definitions, trials: [f] });
    const got = result.findings.map((x) => `${x.rule}@${x.location.split(':')[1]}`);
    expect(got.sort()).toEqual(expected(f.text).sort());
    for (const x of result.findings) {
      expect(x.location).toMatch(new RegExp(`^test/fixtures/lint/${name.replace('.', '\\.')}:\\d+:\\d+$`));
      expect(x.severity).toBe(LINT_RULES[x.rule].severity);
      expect(x.message.length).toBeGreaterThan(10);
    }
    expect(result.errorCount + result.warningCount).toBe(result.findings.length);
  });

  test('the corpus covers every check that a trial file can trigger', () => {
    const covered = new Set(fixtures.flatMap((n) => expected(file(`test/fixtures/lint/${n}`).text).map((e) => e.split('@')[0])));
    // duplicate-trial-id needs two files (test/cli/trust-edges.test.ts).
    const notFromTrialFiles = ['dictionary', 'criteria', 'duplicate-trial-id'];
    expect([...covered].sort()).toEqual(Object.keys(LINT_RULES).filter((r) => !notFromTrialFiles.includes(r)).sort());
  });

  test('all broken files at once: every file is reported, none stops the others', () => {
    const result = lintCriteria({ dictionary, definitions, trials: fixtures.map((n) => file(`test/fixtures/lint/${n}`)) });
    const files = new Set(result.findings.map((x) => x.location.split(':')[0]));
    expect(files.size).toBe(fixtures.length);
  });
});

test('the shipped criteria directory is clean', () => {
  const trials = readdirSync(new URL('criteria/', root))
    .filter((f) => f.endsWith('.yaml') && f !== 'fields.yaml' && f !== 'definitions.yaml')
    .map((f) => file(`criteria/${f}`));
  const result = lintCriteria({ dictionary, definitions, trials, checkSharedUsage: true });
  expect(result.findings).toEqual([]);
  expect(result.fileCount).toBe(trials.length + 2);
});

const trialWith = (rule: string) => `trial: { id: T, nct: NCT00000000, title: t, phase: p, sponsor: s, source: s, criteriaVersion: '1', completeness: partial }
criteria:
  - { id: I1, type: inclusion, title: t, source: s, rule: ${rule} }
`;
const lintRule = (rule: string) => lintCriteria({ dictionary, definitions, trials: [{ file: 't.yaml', text: trialWith(rule) }] }).findings.map((f) => f.rule);

describe('range reasoning at the boundaries', () => {
  const w = (op: string, v: number) => `{ kind: compare, field: demographics.weightKg, op: '${op}', value: ${v}, unit: kg }`;
  const ana = (op: string, v: number) => `{ kind: compare, field: antibodies.anaTiter, op: '${op}', value: ${v} }`;
  test.each([
    // weightKg: number, 1..400
    [w('>', 400), ['never-met']],
    [w('>=', 400), []],
    [w('<', 1), ['never-met']],
    [w('<=', 1), []],
    [w('>=', 1), ['never-fails']],
    [w('>', 1), []],
    [w('<=', 400), ['never-fails']],
    [w('!=', 0), ['never-fails']],
    [w('!=', 50), []],
    [w('==', 401), ['never-met']],
    [`{ kind: all, of: [${w('>=', 5)}, ${w('<=', 5)}] }`, []],
    [`{ kind: all, of: [${w('>', 5)}, ${w('<=', 5)}] }`, ['never-met']],
    [`{ kind: all, of: [${w('>=', 5)}, ${w('<', 5)}] }`, ['never-met']],
    [`{ kind: any, of: [${w('>', 5)}, ${w('<', 5)}] }`, []],
    [`{ kind: any, of: [${w('>=', 5)}, ${w('<', 5)}] }`, ['never-fails']],
    [`{ kind: any, of: [${w('>', 5)}, ${w('<', 5)}, ${w('==', 5)}] }`, ['never-fails']],
    // an "all" over different fields is not a contradiction
    [`{ kind: all, of: [${w('>', 5)}, { kind: compare, field: assessments.haqDi, op: '<', value: 1 }] }`, []],
    // integers: nothing lies strictly between 3 and 4, but 3 < x < 5 has 4
    [`{ kind: all, of: [${ana('>', 3)}, ${ana('<', 4)}] }`, ['never-met']],
    [`{ kind: all, of: [${ana('>', 3)}, ${ana('<', 5)}] }`, []],
    [`{ kind: any, of: [${ana('<=', 3)}, ${ana('>=', 4)}] }`, ['never-fails']],
    [`{ kind: any, of: [${ana('<=', 3)}, ${ana('>=', 5)}] }`, []],
    // age, count and × ULN cannot be negative
    [`{ kind: age, op: '<', years: 0, at: screening }`, ['never-met']],
    [`{ kind: age, op: '<', years: 1, at: screening }`, []],
    [`{ kind: all, of: [{ kind: age, op: '>=', years: 65, at: screening }, { kind: age, op: '<', years: 18, at: screening }] }`, ['never-met']],
    [`{ kind: all, of: [{ kind: age, op: '>=', years: 65, at: screening }, { kind: age, op: '<', years: 18, at: consent }] }`, []],
    [`{ kind: count, records: malignancies, op: '<', n: 0 }`, ['never-met']],
    [`{ kind: count, records: malignancies, op: '>=', n: 1 }`, []],
    [`{ kind: labUln, field: labs.ck, op: '>=', times: 1.3 }`, []],
    // scale thresholds are bounded by the scale
    [`{ kind: compare, field: assessments.mmt8, op: '>', value: 150, scaleMax: 150, unit: points }`, ['never-met']],
    [`{ kind: compare, field: assessments.mmt8, op: '<=', value: 150, scaleMax: 150, unit: points }`, ['never-fails']],
    [`{ kind: compare, field: assessments.mmt8, op: '<=', value: 135, scaleMax: 150, unit: points }`, []],
  ])('%s -> %j', (rule, rules) => {
    expect(lintRule(rule as string)).toEqual(rules);
  });
});

describe('dictionary and shared definitions', () => {
  test('a broken dictionary is reported and the trial files are marked not checked', () => {
    const broken = { file: 'fields.yaml', text: 'version: 1\nsections: [{ id: labs, title: Labs }]\nfields:\n  demographics.sex: { type: enum, label: Sex, values: { female: Female } }\n' };
    const result = lintCriteria({ dictionary: broken, trials: [file('criteria/IM101-611.yaml')] });
    expect(result.findings.map((f) => [f.rule, f.location])).toEqual([
      ['dictionary', 'fields.yaml'],
      ['criteria', 'criteria/IM101-611.yaml'],
    ]);
    expect(result.errorCount).toBe(2);
  });

  // The loader's problems carry their rule: consistency ones `dictionary`, shape ones `schema`.
  const head = 'version: 1\nsections: [{ id: demographics, title: Demographics }, { id: history, title: History }]\nfields:\n';
  test.each([
    ['section not listed', 'dictionary', '  labs.ck: { type: boolean, label: CK }\n'],
    ['medication record incomplete', 'dictionary', '  history.meds: { type: records, kindOf: medication, label: Meds, item: { drug: { type: string, label: Drug } } }\n'],
    ['notBefore not a date item', 'dictionary', '  history.events: { type: records, label: Events, item: { on: { type: date, label: On, notBefore: what }, what: { type: string, label: What } } }\n'],
    ['a code bound twice', 'dictionary', '  history.a: { type: boolean, label: A, codes: [{ system: snomed, code: "1", display: One }] }\n  history.b: { type: boolean, label: B, codes: [{ system: snomed, code: "1", display: One }] }\n'],
    ['wrong shape', 'schema', '  history.a: { type: boolean }\n'],
  ])('%s is a %s finding', (_name, rule, fields) => {
    const result = lintCriteria({ dictionary: { file: 'fields.yaml', text: head + fields }, trials: [] });
    expect(result.findings.length).toBeGreaterThan(0);
    expect(new Set(result.findings.map((f) => f.rule))).toEqual(new Set([rule]));
  });

  test('a shared definition no trial uses is a warning only when the whole directory is linted', () => {
    const defs = { file: 'definitions.yaml', text: `${definitions.text}\n  spare:\n    description: Spare\n    rule: { kind: is, field: consent.signed }\n` };
    const trials = ['IM101-611', 'NCT04946669', 'NCT02347891'].map((id) => file(`criteria/${id}.yaml`));
    const whole = lintCriteria({ dictionary, definitions: defs, trials, checkSharedUsage: true });
    expect(whole.findings.map((f) => `${f.severity} ${f.rule} ${f.location}`)).toEqual([`warning unused-definition definitions.yaml:${defs.text.split('\n').indexOf('  spare:') + 1}:3`]);
    expect(whole.errorCount).toBe(0);
    expect(lintCriteria({ dictionary, definitions: defs, trials, checkSharedUsage: false }).findings).toEqual([]);
  });
});
