// Parses a trial's criteria file, validates it against the rule schema and then against the
// data dictionary (fields exist, operators fit their field types, enum values are known,
// definitions resolve without cycles). Pure: text in, a checked Trial out.
import { createHash } from 'node:crypto';
import { CriteriaError, type Problem } from '../errors.js';
import type { Dictionary } from './dictionary.js';
import { recordItemField } from './dictionary.js';
import { TrialFile, type Criterion } from './rule-schema.js';
import { definitionsUsed, ruleOf, walkRule, type Condition } from '../rules/registry.js';
import type { CheckContext, Path, RuleCode } from '../rules/types.js';
import { locate, parseYaml, toData, zodProblems, type YamlSource } from './yaml-source.js';

export type Definitions = Record<string, { description: string; source?: string | undefined; rule: Condition }>;

export type Trial = {
  meta: TrialFile['trial'];
  criteria: Criterion[];
  definitions: Definitions;
  /** Review ids an earlier version asked, with why they were retired and what replaces them. */
  retiredReviews: TrialFile['retiredReviews'];
  /** SHA-256 for the audit trail: of the criteria file's bytes (loaded from a directory, of the file then fields.yaml and definitions.yaml: criteria-dir.ts). */
  sha256: string;
  file: string;
};

/** reviewIds: review id -> where it is (file and path), so a trial cannot reuse one for another question. */
export type SharedDefinitions = { file: string; definitions: Definitions; reviewIds?: ReadonlyMap<string, string> };

export function parseSharedDefinitions(text: string, file: string, dict: Dictionary): SharedDefinitions {
  const src = parseYaml(text, file);
  const schema = TrialFile.shape.definitions;
  const raw = toData(src) as { definitions?: unknown } | null;
  const parsed = schema.safeParse(raw?.definitions ?? {});
  if (!parsed.success) throw new CriteriaError(zodProblems(src, prefixIssues(parsed.error, 'definitions')));
  const problems: Problem[] = [];
  const checker = new Checker(src, dict, parsed.data, problems);
  for (const [name, def] of Object.entries(parsed.data)) checker.check(def.rule, ['definitions', name, 'rule'], undefined);
  checker.checkCycles(['definitions']);
  if (problems.length) throw new CriteriaError(problems);
  return { file, definitions: parsed.data, reviewIds: checker.reviewIdsAt(file) };
}

export function parseTrial(text: string, file: string, dict: Dictionary, shared?: SharedDefinitions): Trial {
  const src = parseYaml(text, file);
  const parsed = TrialFile.safeParse(toData(src));
  if (!parsed.success) throw new CriteriaError(zodProblems(src, parsed.error));
  const data = parsed.data;
  const problems: Problem[] = [];
  for (const name of Object.keys(data.definitions)) {
    if (shared && Object.hasOwn(shared.definitions, name)) {
      problems.push({ location: locate(src, ['definitions', name]), message: `definitions.${name}: already defined in ${shared.file}`, code: 'duplicate-definition' });
    }
  }
  const definitions: Definitions = { ...(shared?.definitions ?? {}), ...data.definitions };
  const checker = new Checker(src, dict, definitions, problems, shared?.reviewIds);
  for (const [name, def] of Object.entries(data.definitions)) checker.check(def.rule, ['definitions', name, 'rule'], undefined);
  const ids = new Set<string>();
  data.criteria.forEach((c, i) => {
    if (ids.has(c.id)) problems.push({ location: locate(src, ['criteria', i, 'id']), message: `criteria[${i}].id: duplicate criterion id "${c.id}"`, code: 'duplicate-id' });
    ids.add(c.id);
    checker.check(c.rule, ['criteria', i, 'rule'], undefined);
  });
  checker.checkCycles(['definitions']);
  checker.checkRetired(data.retiredReviews);
  if (problems.length) throw new CriteriaError(problems);
  return {
    meta: data.trial,
    criteria: data.criteria,
    definitions,
    retiredReviews: data.retiredReviews,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    file,
  };
}

function prefixIssues(error: import('zod').ZodError, prefix: string): import('zod').ZodError {
  for (const issue of error.issues) issue.path.unshift(prefix);
  return error;
}

class Checker {
  private reviewIds = new Map<string, string>();
  private refs = new Map<string, Set<string>>();
  constructor(
    private src: YamlSource,
    private dict: Dictionary,
    private definitions: Definitions,
    private problems: Problem[],
    /** Review ids of the shared definitions: one decision must never answer two questions. */
    private sharedReviewIds: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Review id -> "file path" of every review node checked. */
  reviewIdsAt(file: string): Map<string, string> {
    return new Map([...this.reviewIds].map(([id, path]) => [id, `${file} ${path}`]));
  }

  private fail(path: (string | number)[], message: string, code: RuleCode | 'definition-cycle' | 'retired-review') {
    const at = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    this.problems.push({ location: locate(this.src, path), message: `${at}: ${message}`, code });
  }

  /** Every node's own checks (src/rules/<kind>.ts), with paths relative to the node. */
  check(rule: Condition, root: (string | number)[], rootScope: string | undefined): void {
    walkRule(rule, (node, rel, scope) => {
      const path = [...root, ...rel];
      const abs = (at: Path) => [...path, ...at];
      const cx: CheckContext = {
        dict: this.dict,
        definitions: this.definitions,
        scope,
        report: (code, at, message) => this.fail(abs(at), message, code),
        field: (at, name) => {
          const def = scope && !name.includes('.') ? recordItemField(this.dict, scope, name) : this.dict.fields.get(name);
          if (!def) {
            const where = scope && !name.includes('.') ? `a field of ${scope} records` : 'a field in the data dictionary';
            this.fail(abs([...at, 'field']), `"${name}" is not ${where}`, 'unknown-field');
          }
          return def;
        },
        expectType: (at, name, def, types) => {
          if (!def) return false;
          if (types.includes(def.type)) return true;
          this.fail(abs([...at, 'field']), `"${name}" is a ${def.type} field; this operator needs ${types.join(' or ')}`, 'field-type');
          return false;
        },
        enumValues: (at, def, values) => {
          if (def.type !== 'enum' && def.type !== 'enumList') return;
          values.forEach((v, i) => {
            if (!Object.hasOwn(def.values, v)) this.fail(abs([...at, 'values', i]), `"${v}" is not an allowed value (${Object.keys(def.values).join(', ')})`, 'unknown-enum-value');
          });
        },
        reviewId: (at, id) => {
          const seen = this.reviewIds.get(id);
          const here = path.join('.');
          if (seen !== undefined && seen !== here) this.fail(abs(at), `review id "${id}" is used twice`, 'duplicate-review-id');
          const shared = this.sharedReviewIds.get(id);
          if (shared !== undefined) this.fail(abs(at), `review id "${id}" is used twice: also by ${shared}; one recorded decision would answer both`, 'duplicate-review-id');
          this.reviewIds.set(id, here);
        },
      };
      ruleOf(node).check?.(node, cx);
      // A misplaced quantifier's sub-rules would only repeat the same complaint.
      if ((node.kind === 'exists' || node.kind === 'forAll' || node.kind === 'count') && this.dict.fields.get(node.records)?.type !== 'records') return false;
      return true;
    }, [], rootScope);
  }

  /**
   * A retired review id is never asked again (an old decision would answer the new question), and
   * what replaces it is a review item of this trial.
   */
  checkRetired(retired: TrialFile['retiredReviews']): void {
    const live = (id: string) => this.reviewIds.has(id) || this.sharedReviewIds.has(id);
    for (const [id, r] of Object.entries(retired)) {
      if (live(id)) this.fail(['retiredReviews', id], `review id "${id}" is retired but still asked: a decision recorded for the old question would answer the new one`, 'retired-review');
      r.replacedBy.forEach((next, i) => {
        if (!live(next)) this.fail(['retiredReviews', id, 'replacedBy', i], `"${next}" is not a review item of this trial`, 'retired-review');
      });
    }
  }

  /** Definitions may use each other, but never in a cycle. */
  checkCycles(path: (string | number)[]): void {
    for (const [name, def] of Object.entries(this.definitions)) {
      const deps = new Set<string>();
      collectRefs(def.rule, deps);
      this.refs.set(name, deps);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, trail: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        this.fail([...path, name], `definition cycle: ${[...trail, name].join(' -> ')}`, 'definition-cycle');
        return;
      }
      state.set(name, 'visiting');
      for (const dep of this.refs.get(name) ?? []) visit(dep, [...trail, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(this.definitions)) visit(name, []);
  }
}

/** Names of the definitions a rule uses directly. */
export function collectRefs(c: Condition, out: Set<string>): void {
  definitionsUsed(c, out);
}
