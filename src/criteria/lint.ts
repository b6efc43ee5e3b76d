// `screen lint` core: checks criteria files and reports every problem as a finding with a severity,
// a rule name and a file:line:column location, instead of stopping at the first bad file like the
// loader does. Pure: file texts in, findings out (the CLI command does the reading).
import { basename } from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { z } from 'zod';
import { CriteriaError, type Problem } from '../errors.js';
import { parseDictionary, recordItemField, type Dictionary } from './dictionary.js';
import { parseSharedDefinitions, parseTrial, type Definitions, type SharedDefinitions } from './load-trial.js';
import { DefinitionsFile } from './json-schemas.js';
import { TrialFile } from './rule-schema.js';
import { definitionsUsed, ruleOf, RULE_KINDS, walkRule, type Condition } from '../rules/registry.js';
import type { LintContext, LintRange } from '../rules/types.js';
import { locate, parseYaml, pathText, toData, zodProblems, type YamlSource } from './yaml-source.js';
import { own } from '../util/own.js';

export type LintSeverity = 'error' | 'warning';

/** Every rule lint can report, with its severity and what it means (docs/authoring.md lists them). */
export const LINT_RULES = {
  'yaml-syntax': { severity: 'error', description: 'The file is not valid YAML (or uses duplicate keys, custom tags, too many aliases).' },
  schema: { severity: 'error', description: 'The file does not have the expected shape (wrong or missing key, wrong type, unknown `kind`).' },
  'missing-source': { severity: 'error', description: 'A criterion has no source text quoting the protocol sentence(s) it encodes.' },
  'date-window-reference': { severity: 'error', description: 'A date rule does not say which reference date (screening, consent, randomization) it counts from.' },
  'unknown-field': { severity: 'error', description: 'A rule names a field that is not in the data dictionary (or not a field of the records it is inside).' },
  'unknown-enum-value': { severity: 'error', description: 'A rule lists a value that is not among the field\'s allowed values.' },
  'unknown-definition': { severity: 'error', description: 'A `ref` names a definition that does not exist.' },
  'unknown-calculator': { severity: 'error', description: 'A `calc` names a calculator that does not exist.' },
  'field-type': { severity: 'error', description: 'An operator is used on a field of the wrong type (e.g. `compare` on a yes/no field).' },
  'unit-mismatch': { severity: 'error', description: 'A threshold\'s unit is not the field\'s unit (or the field has no unit).' },
  'unit-missing': { severity: 'warning', description: 'A threshold on a field with a unit does not state the unit, so a reader cannot check it.' },
  scale: { severity: 'error', description: 'A threshold on a scale field does not say which scale it is on, or names a scale the field does not accept.' },
  'record-scope': { severity: 'error', description: 'A record quantifier or medication operator is used where it cannot apply.' },
  'duplicate-id': { severity: 'error', description: 'Two criteria have the same id.' },
  'duplicate-review-id': { severity: 'error', description: 'Two review items share an id, so one decision would answer both.' },
  'retired-review': { severity: 'error', description: 'A retired review id (`retiredReviews`) is asked again, or names a replacement that is not a review item of the trial.' },
  'duplicate-trial-id': { severity: 'error', description: 'Two trial files have the same trial id (or, linting a criteria directory, a trial id is not its file name), so reports would be matched to the wrong trial.' },
  'duplicate-definition': { severity: 'error', description: 'A trial file redefines a shared definition.' },
  'definition-cycle': { severity: 'error', description: 'Definitions refer to each other in a cycle.' },
  'never-met': { severity: 'error', description: 'A rule (or part of one) can never be met, e.g. `x > 5` and `x < 3`.' },
  'never-fails': { severity: 'error', description: 'A rule (or part of one) can never fail once its data is recorded, e.g. `x > 5` or `x <= 5`.' },
  'lists-every-value': { severity: 'warning', description: 'An `in` lists every allowed value, so it only checks that the field is recorded (use `known`).' },
  'same-dates': { severity: 'error', description: 'An `interval` measures from a date to the same date.' },
  'unused-definition': { severity: 'warning', description: 'A definition that no criterion uses.' },
  dictionary: { severity: 'error', description: 'The data dictionary is inconsistent (section not listed, medication record incomplete, notBefore not a date item of the record, a code bound to two fields).' },
  criteria: { severity: 'error', description: 'Any other problem the loader reports.' },
} as const satisfies Record<string, { severity: LintSeverity; description: string }>;

export type LintRule = keyof typeof LINT_RULES;
export type LintFinding = { severity: LintSeverity; rule: LintRule; location: string; message: string };
export type LintFile = { file: string; text: string };
export type LintInput = {
  dictionary: LintFile;
  definitions?: LintFile | undefined;
  trials: LintFile[];
  /** Report shared definitions no trial uses: only meaningful when `trials` is every trial file. */
  checkSharedUsage?: boolean;
};
export type LintResult = { findings: LintFinding[]; errorCount: number; warningCount: number; fileCount: number };

const DATE_RULE_KEYS = new Set(['before', 'at']);

/** file:line:column of a mapping key (the name of a definition), rather than of its value. */
function locateKey(src: YamlSource, path: (string | number)[]): string {
  const parent = src.doc.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && pair.key.value === path[path.length - 1] && pair.key.range) {
        const { line, col } = src.lines.linePos(pair.key.range[0]);
        return `${src.file}:${line}:${col}`;
      }
    }
  }
  return locate(src, path);
}

function finding(rule: LintRule, location: string, message: string): LintFinding {
  return { severity: LINT_RULES[rule].severity, rule, location, message };
}

/** The loader's problems, by the code of the check that found each. */
function fromLoader(problems: Problem[], fallback: LintRule): LintFinding[] {
  return problems.map((p) => finding(p.code !== undefined && Object.hasOwn(LINT_RULES, p.code) ? (p.code as LintRule) : fallback, p.location, p.message));
}

/** Zod issues as findings, with the rule refined where the path says more than "schema". */
function schemaFindings(src: YamlSource, error: z.ZodError): LintFinding[] {
  const problems = zodProblems(src, error);
  return error.issues.map((issue, i) => {
    const p = problems[i] as Problem;
    const last = issue.path[issue.path.length - 1];
    const missing = !src.doc.hasIn(issue.path as unknown[]);
    if (issue.path[0] === 'criteria' && last === 'source') return finding('missing-source', p.location, `${p.message}: quote the protocol sentence(s) this criterion encodes`);
    if (typeof last === 'string' && DATE_RULE_KEYS.has(last) && missing) {
      return finding('date-window-reference', p.location, `${pathText(issue.path)}: say which reference date the window counts from (screening, consent or randomization)`);
    }
    if (p.message.endsWith('unknown or missing "kind"')) return finding('schema', p.location, `${p.message} (expected one of: ${RULE_KINDS.join(', ')})`);
    return finding('schema', p.location, p.message);
  });
}

/** Parse YAML, turning syntax problems into findings. */
function parseSource(f: LintFile, out: LintFinding[]): { src: YamlSource; data: unknown } | undefined {
  try {
    const src = parseYaml(f.text, f.file);
    return { src, data: toData(src) };
  } catch (e) {
    if (!(e instanceof CriteriaError)) throw e;
    out.push(...fromLoader(e.problems, 'yaml-syntax').map((x) => (x.rule === 'criteria' ? { ...x, rule: 'yaml-syntax' as const } : x)));
    return undefined;
  }
}

export function lintCriteria(input: LintInput): LintResult {
  const findings: LintFinding[] = [];
  const files = [input.dictionary, ...(input.definitions ? [input.definitions] : []), ...input.trials];

  let dict: Dictionary | undefined;
  const dictSrc = parseSource(input.dictionary, findings);
  if (dictSrc) {
    try {
      dict = parseDictionary(input.dictionary.text, input.dictionary.file);
    } catch (e) {
      if (!(e instanceof CriteriaError)) throw e;
      // The loader's consistency problems carry the rule code `dictionary`; its shape problems have none.
      findings.push(...fromLoader(e.problems, 'schema'));
    }
  }
  if (!dict) {
    for (const f of files.slice(1)) findings.push(finding('criteria', f.file, 'not checked: the data dictionary has errors'));
    return summarise(findings, files.length);
  }

  let shared: SharedDefinitions | undefined;
  let sharedSrc: YamlSource | undefined;
  if (input.definitions) {
    const parsed = parseSource(input.definitions, findings);
    if (parsed) {
      const schema = DefinitionsFile.safeParse(parsed.data ?? {});
      if (!schema.success) findings.push(...schemaFindings(parsed.src, schema.error));
      else {
        sharedSrc = parsed.src;
        try {
          shared = parseSharedDefinitions(input.definitions.text, input.definitions.file, dict);
        } catch (e) {
          if (!(e instanceof CriteriaError)) throw e;
          findings.push(...fromLoader(e.problems, 'criteria'));
        }
        const checker = new SemanticChecks(parsed.src, dict, findings);
        for (const [name, def] of Object.entries(schema.data.definitions)) checker.rule(def.rule, ['definitions', name, 'rule'], undefined);
      }
    }
  }

  const usedShared = new Set<string>();
  const trialIds = new Map<string, string>();
  let everyTrialRead = true;
  for (const f of input.trials) {
    const parsed = parseSource(f, findings);
    if (!parsed) {
      everyTrialRead = false;
      continue;
    }
    const schema = TrialFile.safeParse(parsed.data);
    if (!schema.success) {
      everyTrialRead = false;
      findings.push(...schemaFindings(parsed.src, schema.error));
      continue;
    }
    const trialId = schema.data.trial.id;
    const otherFile = trialIds.get(trialId.toLowerCase());
    if (otherFile !== undefined) findings.push(finding('duplicate-trial-id', locate(parsed.src, ['trial', 'id']), `trial.id: "${trialId}" is also the trial id of ${otherFile}`));
    else trialIds.set(trialId.toLowerCase(), f.file);
    if (input.checkSharedUsage && trialId.toLowerCase() !== basename(f.file).replace(/\.yaml$/, '').toLowerCase()) {
      findings.push(finding('duplicate-trial-id', locate(parsed.src, ['trial', 'id']), `trial.id: "${trialId}" does not match the file name ${basename(f.file)} (a trial's id is its file name)`));
    }
    try {
      parseTrial(f.text, f.file, dict, shared);
    } catch (e) {
      if (!(e instanceof CriteriaError)) throw e;
      findings.push(...fromLoader(e.problems, 'criteria'));
    }
    const data = schema.data;
    const checker = new SemanticChecks(parsed.src, dict, findings);
    data.criteria.forEach((c, i) => {
      if (c.source.trim() === '') findings.push(finding('missing-source', locate(parsed.src, ['criteria', i, 'source']), `criteria[${i}].source: criterion ${c.id} has no source text: quote the protocol sentence(s) it encodes`));
      checker.rule(c.rule, ['criteria', i, 'rule'], undefined);
    });
    for (const [name, def] of Object.entries(data.definitions)) checker.rule(def.rule, ['definitions', name, 'rule'], undefined);

    // Definitions reachable from the criteria, through definitions that use other definitions.
    const all: Definitions = { ...(shared?.definitions ?? {}), ...data.definitions };
    const used = reachableDefinitions(data.criteria.map((c) => c.rule), all);
    for (const name of Object.keys(data.definitions)) {
      if (!used.has(name)) findings.push(finding('unused-definition', locateKey(parsed.src, ['definitions', name]), `definitions.${name}: no criterion uses this definition`));
    }
    for (const name of used) usedShared.add(name);
  }

  if (input.checkSharedUsage && shared && sharedSrc && everyTrialRead) {
    for (const name of Object.keys(shared.definitions)) {
      if (!usedShared.has(name)) findings.push(finding('unused-definition', locateKey(sharedSrc, ['definitions', name]), `definitions.${name}: no trial uses this shared definition`));
    }
  }
  return summarise(findings, files.length);
}

function summarise(findings: LintFinding[], fileCount: number): LintResult {
  return {
    findings,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warning').length,
    fileCount,
  };
}

function reachableDefinitions(rules: Condition[], definitions: Definitions): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [];
  const visit = (c: Condition) => {
    const refs = new Set<string>();
    definitionsUsed(c, refs);
    for (const r of refs) if (!seen.has(r)) {
      seen.add(r);
      queue.push(r);
    }
  };
  rules.forEach(visit);
  while (queue.length) {
    const def = own(definitions, queue.shift() as string);
    if (def) visit(def.rule);
  }
  return seen;
}

// ---- numeric ranges: can a rule never be met, or never fail? ----

/** An interval of numbers; `lo`/`hi` may be infinite. */
type Iv = { lo: number; loIn: boolean; hi: number; hiIn: boolean };
type Domain = { iv: Iv; integer: boolean };

function opInterval(op: string, v: number): Iv[] {
  switch (op) {
    case '<': return [{ lo: -Infinity, loIn: false, hi: v, hiIn: false }];
    case '<=': return [{ lo: -Infinity, loIn: false, hi: v, hiIn: true }];
    case '>': return [{ lo: v, loIn: false, hi: Infinity, hiIn: false }];
    case '>=': return [{ lo: v, loIn: true, hi: Infinity, hiIn: false }];
    case '==': return [{ lo: v, loIn: true, hi: v, hiIn: true }];
    default: return [{ lo: -Infinity, loIn: false, hi: v, hiIn: false }, { lo: v, loIn: false, hi: Infinity, hiIn: false }];
  }
}

function intersectOne(a: Iv, b: Iv): Iv {
  const lo = a.lo > b.lo ? { lo: a.lo, loIn: a.loIn } : a.lo < b.lo ? { lo: b.lo, loIn: b.loIn } : { lo: a.lo, loIn: a.loIn && b.loIn };
  const hi = a.hi < b.hi ? { hi: a.hi, hiIn: a.hiIn } : a.hi > b.hi ? { hi: b.hi, hiIn: b.hiIn } : { hi: a.hi, hiIn: a.hiIn && b.hiIn };
  return { ...lo, ...hi };
}

function nonEmpty(iv: Iv, integer: boolean): boolean {
  if (integer) {
    const lo = Number.isFinite(iv.lo) ? (iv.loIn ? Math.ceil(iv.lo) : Math.floor(iv.lo) + 1) : iv.lo;
    const hi = Number.isFinite(iv.hi) ? (iv.hiIn ? Math.floor(iv.hi) : Math.ceil(iv.hi) - 1) : iv.hi;
    return lo <= hi;
  }
  return iv.lo < iv.hi || (iv.lo === iv.hi && iv.loIn && iv.hiIn);
}

function intersect(a: Iv[], b: Iv[], integer: boolean): Iv[] {
  return a.flatMap((x) => b.map((y) => intersectOne(x, y))).filter((iv) => nonEmpty(iv, integer));
}

function complement(iv: Iv): Iv[] {
  const out: Iv[] = [];
  if (iv.lo > -Infinity) out.push({ lo: -Infinity, loIn: false, hi: iv.lo, hiIn: !iv.loIn });
  if (iv.hi < Infinity) out.push({ lo: iv.hi, loIn: !iv.hiIn, hi: Infinity, hiIn: false });
  return out;
}

/** Does the union of `sets` cover every value of the domain? */
function covers(sets: Iv[][], d: Domain): boolean {
  let rest: Iv[] = [d.iv];
  for (const set of sets) for (const iv of set) rest = intersect(rest, complement(iv), d.integer);
  return rest.length === 0;
}

type NumericTest = { key: string; what: string; set: Iv[]; domain: Domain; text: string };

function numericTest(r: LintRange): NumericTest {
  const domain: Domain = { iv: { lo: r.lo, loIn: Number.isFinite(r.lo), hi: r.hi, hiIn: Number.isFinite(r.hi) }, integer: r.integer };
  return { key: r.key, what: r.what, set: opInterval(r.op, r.value), domain, text: r.text };
}

class SemanticChecks {
  constructor(
    private src: YamlSource,
    private dict: Dictionary,
    private out: LintFinding[],
  ) {}

  private at(path: (string | number)[]): string {
    return locate(this.src, path);
  }

  private context(path: (string | number)[], scope: string | undefined): LintContext {
    return {
      dict: this.dict,
      scope,
      field: (name) => (scope && !name.includes('.') ? recordItemField(this.dict, scope, name) : this.dict.fields.get(name)),
      warn: (rule, at, message) => this.out.push(finding(rule, this.at([...path, ...at]), `${pathText([...path, ...at])}: ${message}`)),
      combined: (kind, children) => this.combined(kind, children, path, scope),
    };
  }

  /** The numeric condition a node tests, if it is one, with the values it can take. */
  private numeric(c: Condition, path: (string | number)[], scope: string | undefined): NumericTest | undefined {
    const range = ruleOf(c).range?.(c, this.context(path, scope));
    return range ? numericTest(range) : undefined;
  }

  rule(root: Condition, rootPath: (string | number)[], rootScope: string | undefined): void {
    walkRule(root, (c, rel, scope) => {
      const path = [...rootPath, ...rel];
      const here = pathText(path);
      const test = this.numeric(c, path, scope);
      if (test) {
        if (intersect(test.set, [test.domain.iv], test.domain.integer).length === 0) {
          this.out.push(finding('never-met', this.at(path), `${here}: ${test.text} can never be met (${test.what} is always ${describeDomain(test.domain)})`));
        } else if (covers([test.set], test.domain)) {
          this.out.push(finding('never-fails', this.at(path), `${here}: ${test.text} can never fail once recorded (${test.what} is always ${describeDomain(test.domain)})`));
        }
      }
      ruleOf(c).lint?.(c, this.context(path, scope));
    }, [], rootScope);
  }

  /** x > 5 and x < 3 (never met), or x > 5 or x <= 5 (never fails), among the direct children. */
  private combined(kind: 'all' | 'any', children: Condition[], path: (string | number)[], scope: string | undefined): void {
    const groups = new Map<string, NumericTest[]>();
    for (const child of children) {
      const t = this.numeric(child, path, scope);
      if (t) groups.set(t.key, [...(groups.get(t.key) ?? []), t]);
    }
    for (const tests of groups.values()) {
      if (tests.length < 2) continue;
      const first = tests[0] as NumericTest;
      const d = first.domain;
      const texts = tests.map((t) => t.text).join(kind === 'all' ? ' and ' : ' or ');
      if (kind === 'all') {
        const both = tests.reduce<Iv[]>((acc, t) => intersect(acc, t.set, d.integer), [d.iv]);
        if (both.length === 0) this.out.push(finding('never-met', this.at(path), `${pathText(path)}: ${texts} can never all hold, so this can never be met`));
      } else if (covers(tests.map((t) => t.set), d)) {
        this.out.push(finding('never-fails', this.at(path), `${pathText(path)}: ${texts} covers every value of ${first.what}, so this can never fail once recorded`));
      }
    }
  }
}

function describeDomain(d: Domain): string {
  const { lo, loIn, hi, hiIn } = d.iv;
  if (lo === -Infinity && hi === Infinity) return 'any number';
  if (hi === Infinity) return `${loIn ? '>=' : '>'} ${lo}`;
  if (lo === -Infinity) return `${hiIn ? '<=' : '<'} ${hi}`;
  return `between ${lo} and ${hi}`;
}
