// Parses a trial's criteria file, validates it against the rule schema and then against the
// data dictionary (fields exist, operators fit their field types, enum values are known,
// definitions resolve without cycles). Pure: text in, a checked Trial out.
import { createHash } from 'node:crypto';
import { CriteriaError, type Problem } from '../errors.js';
import { CALCULATORS } from '../engine/calculators.js';
import type { Dictionary } from './dictionary.js';
import { recordItemField } from './dictionary.js';
import type { FieldDef, ItemFieldDef } from './dictionary-schema.js';
import { TrialFile, type Condition, type Criterion } from './rule-schema.js';
import { locate, parseYaml, toData, zodProblems, type YamlSource } from './yaml-source.js';

export type Definitions = Record<string, { description: string; source?: string | undefined; rule: Condition }>;

export type Trial = {
  meta: TrialFile['trial'];
  criteria: Criterion[];
  definitions: Definitions;
  /** SHA-256 of the criteria file's bytes, for the audit trail. */
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
      problems.push({ location: locate(src, ['definitions', name]), message: `definitions.${name}: already defined in ${shared.file}` });
    }
  }
  const definitions: Definitions = { ...(shared?.definitions ?? {}), ...data.definitions };
  const checker = new Checker(src, dict, definitions, problems, shared?.reviewIds);
  for (const [name, def] of Object.entries(data.definitions)) checker.check(def.rule, ['definitions', name, 'rule'], undefined);
  const ids = new Set<string>();
  data.criteria.forEach((c, i) => {
    if (ids.has(c.id)) problems.push({ location: locate(src, ['criteria', i, 'id']), message: `criteria[${i}].id: duplicate criterion id "${c.id}"` });
    ids.add(c.id);
    checker.check(c.rule, ['criteria', i, 'rule'], undefined);
  });
  checker.checkCycles(['definitions']);
  if (problems.length) throw new CriteriaError(problems);
  return {
    meta: data.trial,
    criteria: data.criteria,
    definitions,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    file,
  };
}

function prefixIssues(error: import('zod').ZodError, prefix: string): import('zod').ZodError {
  for (const issue of error.issues) issue.path.unshift(prefix);
  return error;
}

type AnyField = FieldDef | ItemFieldDef;

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

  private fail(path: (string | number)[], message: string) {
    const at = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    this.problems.push({ location: locate(this.src, path), message: `${at}: ${message}` });
  }

  private field(path: (string | number)[], name: string, scope: string | undefined): AnyField | undefined {
    const def = scope && !name.includes('.') ? recordItemField(this.dict, scope, name) : this.dict.fields.get(name);
    if (!def) {
      const where = scope && !name.includes('.') ? `a field of ${scope} records` : 'a field in the data dictionary';
      this.fail([...path, 'field'], `"${name}" is not ${where}`);
    }
    return def;
  }

  private expectType(path: (string | number)[], name: string, def: AnyField | undefined, types: string[]): boolean {
    if (!def) return false;
    if (!types.includes(def.type)) {
      this.fail([...path, 'field'], `"${name}" is a ${def.type} field; this operator needs ${types.join(' or ')}`);
      return false;
    }
    return true;
  }

  private enumValues(path: (string | number)[], def: AnyField, values: string[]) {
    if (def.type !== 'enum' && def.type !== 'enumList') return;
    values.forEach((v, i) => {
      if (!Object.hasOwn(def.values, v)) this.fail([...path, 'values', i], `"${v}" is not an allowed value (${Object.keys(def.values).join(', ')})`);
    });
  }

  check(c: Condition, path: (string | number)[], scope: string | undefined): void {
    switch (c.kind) {
      case 'all':
      case 'any':
      case 'atLeast':
        c.of.forEach((child, i) => this.check(child, [...path, 'of', i], scope));
        if (c.kind === 'atLeast' && c.n > c.of.length) this.fail([...path, 'n'], `needs ${c.n} of only ${c.of.length} conditions: can never be met`);
        return;
      case 'not':
        return this.check(c.of, [...path, 'of'], scope);
      case 'compare': {
        const def = this.field(path, c.field, scope);
        if (!this.expectType(path, c.field, def, ['number', 'integer', 'scale'])) return;
        if (typeof c.value !== 'number') this.fail([...path, 'value'], 'compare needs a number');
        if (def && def.type === 'scale') {
          if (c.scaleMax === undefined) this.fail(path, `"${c.field}" is a scale field: say which scale the threshold is on (scaleMax)`);
          else if (!def.scales.includes(c.scaleMax)) this.fail([...path, 'scaleMax'], `scale ${c.scaleMax} is not one of ${def.scales.join(', ')}`);
        }
        if (def && c.unit !== undefined && 'unit' in def && def.unit !== c.unit) this.fail([...path, 'unit'], `unit "${c.unit}" does not match the field's unit "${def.unit ?? '(none)'}"`);
        return;
      }
      case 'is':
        this.expectType(path, c.field, this.field(path, c.field, scope), ['boolean']);
        return;
      case 'in': {
        const def = this.field(path, c.field, scope);
        if (this.expectType(path, c.field, def, ['enum']) && def) this.enumValues(path, def, c.values);
        return;
      }
      case 'includesAny': {
        const def = this.field(path, c.field, scope);
        if (this.expectType(path, c.field, def, ['enumList']) && def) this.enumValues(path, def, c.values);
        return;
      }
      case 'labUln':
        this.expectType(path, c.field, this.field(path, c.field, scope), ['lab']);
        if (c.through && !c.within) this.fail([...path, 'through'], '"through" extends a "within" window: give "within" too');
        return;
      case 'dateWithin':
        this.expectType(path, c.field, this.field(path, c.field, scope), ['date']);
        return;
      case 'interval':
        for (const side of ['from', 'to'] as const) {
          const operand = c[side];
          if ('field' in operand) this.expectType([...path, side], operand.field, this.field([...path, side], operand.field, scope), ['date']);
        }
        return;
      case 'known':
        this.field(path, c.field, scope);
        return;
      case 'age':
        if (!this.dict.fields.has('demographics.birthDate')) this.fail(path, 'age needs the field demographics.birthDate in the data dictionary');
        return;
      case 'exists':
      case 'forAll':
      case 'count': {
        if (scope) this.fail([...path, 'records'], 'record quantifiers cannot be nested');
        const def = this.dict.fields.get(c.records);
        if (def?.type !== 'records') {
          this.fail([...path, 'records'], `"${c.records}" is not a repeating-record field`);
          return;
        }
        if (c.where) this.check(c.where, [...path, 'where'], c.records);
        if (c.kind === 'forAll') this.check(c.check, [...path, 'check'], c.records);
        return;
      }
      case 'ongoing':
      case 'takenFor':
      case 'stableDose':
      case 'lastDoseWithin': {
        const def = scope ? this.dict.fields.get(scope) : undefined;
        if (def?.type !== 'records' || def.kindOf !== 'medication') this.fail(path, `${c.kind} applies to a medication record: use it inside exists/forAll/count over medications`);
        return;
      }
      case 'review': {
        const seen = this.reviewIds.get(c.id);
        const here = path.join('.');
        if (seen !== undefined && seen !== here) this.fail([...path, 'id'], `review id "${c.id}" is used twice`);
        const shared = this.sharedReviewIds.get(c.id);
        if (shared !== undefined) this.fail([...path, 'id'], `review id "${c.id}" is used twice: also by ${shared}; one recorded decision would answer both`);
        this.reviewIds.set(c.id, here);
        return;
      }
      case 'ref': {
        if (!Object.hasOwn(this.definitions, c.definition)) {
          this.fail([...path, 'definition'], `unknown definition "${c.definition}"`);
          return;
        }
        return;
      }
      case 'calc': {
        const calc = Object.hasOwn(CALCULATORS, c.calculator) ? CALCULATORS[c.calculator] : undefined;
        if (!calc) this.fail([...path, 'calculator'], `unknown calculator "${c.calculator}" (${Object.keys(CALCULATORS).join(', ')})`);
        for (const message of calc?.checkParams?.(c.params ?? {}) ?? []) this.fail([...path, 'params'], message);
        return;
      }
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
        this.fail([...path, name], `definition cycle: ${[...trail, name].join(' -> ')}`);
        return;
      }
      state.set(name, 'visiting');
      for (const dep of this.refs.get(name) ?? []) visit(dep, [...trail, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(this.definitions)) visit(name, []);
  }
}

export function collectRefs(c: Condition, out: Set<string>): void {
  switch (c.kind) {
    case 'all':
    case 'any':
    case 'atLeast':
      c.of.forEach((x) => collectRefs(x, out));
      return;
    case 'not':
      collectRefs(c.of, out);
      return;
    case 'exists':
    case 'count':
      if (c.where) collectRefs(c.where, out);
      return;
    case 'forAll':
      if (c.where) collectRefs(c.where, out);
      collectRefs(c.check, out);
      return;
    case 'ref':
      out.add(c.definition);
      return;
    default:
      return;
  }
}
