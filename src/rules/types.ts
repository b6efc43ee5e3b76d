// What one rule kind is made of (one module per kind under src/rules, listed in registry.ts):
// its schema, its semantic checks with rule codes, the data it reads, how it compiles into an
// evaluable node, and its wording for `screen show`. Type-only imports: no zod at run time here.
import type * as zod from 'zod';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import type { Outcome } from '../engine/logic.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { Missing, Need, ReferenceDates, ReviewItem, Trace } from '../engine/result.js';
import type { Condition } from './registry.js';
import type { Quantifier } from './quantifier.js';
import type { Dialect } from '../sql/dialect.js';

export type { Condition };
export const REFERENCE_DATES = ['screening', 'consent', 'randomization'] as const;
export type ReferenceDateName = (typeof REFERENCE_DATES)[number];
export type Duration = { days?: number | undefined; weeks?: number | undefined; months?: number | undefined; years?: number | undefined };
export type DateOperand = { field: string } | { ref: ReferenceDateName };
export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Path = (string | number)[];
export type AnyField = FieldDef | ItemFieldDef;
export type Definitions = Record<string, { description: string; source?: string | undefined; rule: Condition }>;

/** The zod pieces a kind's schema is built from (schema.ts passes the real ones in). */
export type SchemaKit = {
  z: typeof zod.z;
  Condition: zod.ZodType<Condition>;
  FieldPath: zod.ZodString;
  Duration: zod.ZodType<Duration>;
  ReferenceDateName: zod.ZodEnum<{ screening: 'screening'; consent: 'consent'; randomization: 'randomization' }>;
  ComparisonOp: zod.ZodEnum<{ '<': '<'; '<=': '<='; '>': '>'; '>=': '>='; '==': '=='; '!=': '!=' }>;
  Ordering: zod.ZodEnum<{ '<': '<'; '<=': '<='; '>': '>'; '>=': '>=' }>;
  note: zod.ZodOptional<zod.ZodString>;
  /** Refuses names of built-in object properties (they become keys). */
  notReserved: <T extends zod.ZodString>(s: T) => T;
};

/** Codes of the problems a rule's semantic check reports (lint's rule names). */
export type RuleCode =
  | 'unknown-field' | 'unknown-enum-value' | 'unknown-definition' | 'unknown-calculator' | 'field-type'
  | 'unit-mismatch' | 'scale' | 'record-scope' | 'duplicate-review-id' | 'never-met' | 'criteria';

/** A sub-rule of a node: where it sits (relative path) and the records it is evaluated over. */
export type Child = { at: Path; node: Condition; records?: string };

export type CheckContext = {
  dict: Dictionary;
  definitions: Definitions;
  /** Records field when inside exists/forAll/count. */
  scope: string | undefined;
  report(code: RuleCode, at: Path, message: string): void;
  /** The field's definition (a bare name inside a quantifier is a field of the record); reports unknown ones. */
  field(at: Path, name: string): AnyField | undefined;
  /** Reports a field of the wrong type; true when it fits. */
  expectType(at: Path, name: string, def: AnyField | undefined, types: string[]): boolean;
  enumValues(at: Path, def: AnyField, values: string[]): void;
  reviewId(at: Path, id: string): void;
};

export type LintRange = { key: string; what: string; op: ComparisonOp; value: number; lo: number; hi: number; integer: boolean; text: string };
export type LintContext = {
  dict: Dictionary;
  scope: string | undefined;
  field(name: string): AnyField | undefined;
  warn(code: 'unit-mismatch' | 'unit-missing' | 'lists-every-value' | 'same-dates', at: Path, message: string): void;
  /** Numeric tests among direct children that can never all hold / never fail together. */
  combined(kind: 'all' | 'any', children: Condition[]): void;
};

export type ReadContext = {
  scope: string | undefined;
  /** A field (a bare name inside a quantifier is a field of the record). */
  field(name: string): void;
  /** A dictionary field path, whatever the scope. */
  path(name: string): void;
  records(name: string): void;
  date(name: ReferenceDateName): void;
  review(r: { id: string; by: string; question: string }): void;
  calculatorInputs(name: string, params: Record<string, unknown>): void;
};

/** What compiled nodes read while evaluating: the patient, the dates, and the record in scope. */
export type Env = {
  patient: PatientRecord;
  dates: ReferenceDates;
  trialId: string;
  criterionId: string;
  /** What the node being evaluated still needs; a node that is not unknown leaves none. */
  missing: Missing[];
  /** Review items met while explaining (evaluate leaves this alone). */
  reviews: ReviewItem[];
  item: Record<string, unknown> | undefined;
  index: number;
};

export interface CompiledNode {
  readonly kind: string;
  /** The outcome only (missing paths go to env.missing): no trace, no facts. */
  evaluate(env: Env): Outcome;
  /** The same outcome with its explanation. */
  explain(env: Env): Trace;
}

export type CompileContext = {
  dict: Dictionary;
  trialId: string;
  scope: string | undefined;
  child(node: Condition, records?: string): CompiledNode;
  definition(name: string): { node: CompiledNode; description: string };
};

export type RuleLine = { depth: number; text: string };
export type DescribeContext = {
  dict: Dictionary;
  definitions: Definitions;
  trialId: string;
  scope: string | undefined;
  depth: number;
  label(field: string): string;
  values(field: string, values: string[]): string;
  unit(field: string): string | undefined;
  op(op: string): string;
  /** A sub-rule's lines, `extra` levels below the next one. */
  lines(node: Condition, records?: string, extra?: number): RuleLine[];
};

export interface RuleKind<N extends { kind: string; note?: string | undefined }> {
  readonly kind: N['kind'];
  schema(k: SchemaKit): zod.ZodType<N>;
  children?(node: N): Child[];
  check?(node: N, cx: CheckContext): void;
  lint?(node: N, cx: LintContext): void;
  range?(node: N, cx: LintContext): LintRange | undefined;
  reads?(node: N, cx: ReadContext): void;
  compile(node: N, cx: CompileContext): CompiledNode;
  describe(node: N, cx: DescribeContext): { text: string; lines?: RuleLine[] };
  /**
   * The rule as one SQL expression yielding its outcome code (src/sql/kit.ts: never NULL, a NULL
   * input is unknown); src/sql/query.ts assembles the trial's query from them (docs/sql.md).
   */
  toSql(node: N, cx: SqlContext): string;
  /**
   * What the rule still needs, as SQL: the `missingText` tokens of its env.missing entries joined
   * by ';' in the JS engine's order, NULL when it has none — and NULL whenever the rule is not
   * unknown (a node keeps its missing entries only while unknown; a parent its unknown children's).
   */
  missingSql(node: N, cx: SqlContext): string;
}

/** How a record quantifier's items combine in SQL (x.io: one item's outcome code). */
export type RecordsSql = {
  /** One record's outcome from its where (and, for forAll, check) expressions. */
  item(where: string | undefined, check: string | undefined): string;
  /** The aggregate over the items' x.io, per patient. */
  aggregate: string;
  /** The outcome code over an empty list. */
  empty: number;
  /**
   * With records that may be missing (the list's flag FALSE: `complete: false`), one unknown stands
   * in for them, as in the JS engine (quantifier.ts): the outcome made from the complete one
   * (`from`: exists, forAll), or its own aggregate and empty-list outcome (count, whose upper
   * bound has no end).
   */
  incomplete: { from: (outcome: string) => string } | { aggregate: string; empty: number };
};

/**
 * What a kind's toSql is given (built by src/sql/context.ts, loaded only for SQL): the columns in
 * scope, its sub-rules' expressions, and the shared derived tables. Rule modules import nothing of
 * src/sql but the small string kit (kit.ts), so the start-up bundle stays light.
 */
export type SqlContext = {
  dialect: Dialect;
  /** A sub-rule's outcome expression at this level. */
  child(node: Condition): string;
  /** A patient column, or (bare name inside a record quantifier) a column of the current record. */
  col(field: string, part?: string): string;
  /** The patient's column of a reference date. */
  refCol(name: ReferenceDateName): string;
  /** A field's definition (a bare name inside a quantifier is a field of the record). */
  field(name: string): AnyField | undefined;
  /** The medication record in scope: its alias and list (not expressible outside one). */
  medication(): { alias: string; records: string };
  /** Per medication record in scope, the chain of its drug's records through it (src/sql/chains.ts): the joined table's alias. */
  chains(): string;
  /** A rule the SQL target cannot express faithfully: its criterion becomes unknown. */
  notExpressible(reason: string): never;
  /** A record quantifier's outcome, from one derived table per node aggregated per patient. */
  records(node: Quantifier, how: RecordsSql): string;
  /** Made once per key (a rule node or its params) for the whole query. */
  memo<T>(key: object, make: () => T): T;
  /** A derived table joined at this level on the row (and, per record, the record index): its alias. */
  join(prefix: string, perRecord: boolean, render: () => string): string;
  /** Per record of `records`: the latest dose on or before `date`, as a derived table (`record`: the record joined under that alias, for a date that reads it). */
  currentDoseTable(records: string, date: string, record?: string): string;
  /** The recorded decision column of a review item (NULL: not decided). */
  review(id: string): string;
  /** A definition's rule, expanded here (cycles refused). */
  definition(name: string): string;
  /** A built-in calculator compiled to SQL (src/sql/calculators.ts). */
  calculator(name: string, params: Record<string, unknown>): string;
  /** A sub-rule's missing tokens (missingSql): NULL unless it is unknown. */
  childMissing(node: Condition): string;
  /** `missing` when `outcome` is unknown, else NULL (`outcome` is not built where the caller already gates). */
  unknownOnly(outcome: () => string, missing: string): string;
  /** The patient-file path of a field as SQL text: `medications[2].stop` inside a record quantifier. */
  path(field: string, part?: string): string;
  /** One missing entry as SQL text, worded by missingText: `path` and the need's values are SQL text expressions. */
  token(path: string, need?: NeedSql): string;
  /** A record quantifier's missing tokens: the list when not recorded, else its unknown records', in order. */
  recordsMissing(node: Quantifier): string;
  /** A definition's missing tokens, expanded here. */
  definitionMissing(name: string): string;
  /** A built-in calculator's missing tokens (src/sql/calculators.ts). */
  calculatorMissing(name: string, params: Record<string, unknown>): string;
};

/** A need (result.ts) whose values are SQL text expressions (dates and numbers already cast to text). */
type NeedValuesSql<T> = { [P in keyof T]: P extends 'kind' ? T[P] : T[P] extends true | undefined ? T[P] : string };
export type NeedSql = Need extends infer X ? (X extends Need ? NeedValuesSql<X> : never) : never;
