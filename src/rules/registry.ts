// Every rule kind, registered once. The rule-language type, the zod union (schema.ts), lint's
// kind list, the field walker and the compiler all come from this list.
import { own } from '../util/own.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { age, type Age, type AgeDetail } from './age.js';
import { all, type All } from './all.js';
import { any, type AnyOf } from './any.js';
import { atLeast, type AtLeast, type AtLeastDetail } from './at-least.js';
import { calc, type Calc, type CalcDetail } from './calc.js';
import { compare, type Compare, type CompareDetail } from './compare.js';
import { count, type Count } from './count.js';
import { dateWithin, type DateWithin, type DateWithinDetail } from './date-within.js';
import { doseUnits, type DoseUnits, type DoseUnitsDetail } from './dose-units.js';
import { exists, type Exists } from './exists.js';
import { forAll, type ForAll } from './for-all.js';
import { includesAny, type IncludesAny, type IncludesAnyDetail } from './includes-any.js';
import { inValues, type In, type InDetail } from './in.js';
import { interval, type Interval, type IntervalDetail } from './interval.js';
import { is, type Is, type IsDetail } from './is.js';
import { known, type Known, type KnownDetail } from './known.js';
import { labUln, type LabUln, type LabUlnDetail } from './lab-uln.js';
import { lastDoseWithin, type LastDoseWithin, type LastDoseWithinDetail } from './last-dose-within.js';
import { not, type Not } from './not.js';
import { ongoing, type Ongoing, type OngoingDetail } from './ongoing.js';
import { ref, type Ref, type RefDetail } from './ref.js';
import { review, type Review, type ReviewDetail } from './review.js';
import { stableDose, type StableDose, type StableDoseDetail } from './stable-dose.js';
import { stoppedCourse, type StoppedCourse, type StoppedCourseDetail } from './stopped-course.js';
import { takenFor, type TakenFor, type TakenForDetail } from './taken-for.js';
import type { ItemDetail, QuantifierDetail, UnrecordedDetail } from './quantifier.js';
import type { Child, CompiledNode, Definitions, RuleKind } from './types.js';

/** One rule of the language: a node of a criterion's condition tree. */
export type Condition =
  | All | AnyOf | Not | AtLeast | Compare | Is | In | IncludesAny | LabUln | Age | DateWithin | Interval | Known
  | Exists | ForAll | Count | Ongoing | TakenFor | StoppedCourse | StableDose | LastDoseWithin | DoseUnits | Review | Ref | Calc;

/**
 * The detail each kind's trace node carries (declared in its module), plus the two nodes a list
 * adds: one per record (`item`) and the stand-in for records not entered yet (`unrecorded`).
 * src/engine/result.ts derives the Trace union from it.
 */
export type TraceDetails = {
  all: never; any: never; not: never; atLeast: AtLeastDetail; compare: CompareDetail; is: IsDetail; in: InDetail;
  includesAny: IncludesAnyDetail; labUln: LabUlnDetail; age: AgeDetail; dateWithin: DateWithinDetail; interval: IntervalDetail;
  known: KnownDetail; exists: QuantifierDetail; forAll: QuantifierDetail; count: QuantifierDetail; ongoing: OngoingDetail;
  takenFor: TakenForDetail; stoppedCourse: StoppedCourseDetail; stableDose: StableDoseDetail; lastDoseWithin: LastDoseWithinDetail; doseUnits: DoseUnitsDetail; review: ReviewDetail;
  ref: RefDetail; calc: CalcDetail; item: ItemDetail; unrecorded: UnrecordedDetail;
};

type Registry = { [K in Condition['kind']]: RuleKind<Extract<Condition, { kind: K }>> };

export const RULES: Registry = {
  all, any, not, atLeast, compare, is, in: inValues, includesAny, labUln, age, dateWithin, interval, known,
  exists, forAll, count, ongoing, takenFor, stoppedCourse, stableDose, lastDoseWithin, doseUnits, review, ref, calc,
};

export const RULE_KINDS = Object.keys(RULES) as Condition['kind'][];

/** The module of a node's kind. */
export function ruleOf<C extends Condition>(c: C): RuleKind<C> {
  return RULES[c.kind] as unknown as RuleKind<C>;
}

/** A node's sub-rules, with their relative paths and the records they are evaluated over. */
export function childrenOf(c: Condition): Child[] {
  return ruleOf(c).children?.(c) ?? [];
}

/**
 * Visit a rule tree depth first. `visit` returns false to skip a node's sub-rules. `scope` is the
 * records field the node is evaluated over.
 */
export function walkRule(c: Condition, visit: (node: Condition, path: (string | number)[], scope: string | undefined) => boolean | void, path: (string | number)[] = [], scope?: string): void {
  if (visit(c, path, scope) === false) return;
  for (const child of childrenOf(c)) walkRule(child.node, visit, [...path, ...child.at], child.records ?? scope);
}

/** Names of the definitions a rule uses directly. */
export function definitionsUsed(c: Condition, out = new Set<string>()): Set<string> {
  walkRule(c, (node) => {
    if (node.kind === 'ref') out.add(node.definition);
  });
  return out;
}

/**
 * Compile rule trees once per trial; definitions are compiled once per records scope and shared by
 * every criterion that uses them.
 */
export function ruleCompiler(dict: Dictionary, definitions: Definitions, trialId: string): (c: Condition, scope?: string) => CompiledNode {
  const compiledDefinitions = new Map<string, CompiledNode>();
  const expanding: string[] = [];
  const compileIn = (c: Condition, scope: string | undefined): CompiledNode =>
    ruleOf(c).compile(c, {
      dict,
      trialId,
      scope,
      child: (node, records) => compileIn(node, records ?? scope),
      definition(name) {
        const def = own(definitions, name);
        if (!def || expanding.includes(name)) throw new Error(`definition ${name} is missing or cyclic`);
        const key = `${name}@${scope ?? ''}`;
        let node = compiledDefinitions.get(key);
        if (!node) {
          expanding.push(name);
          node = compileIn(def.rule, scope);
          expanding.pop();
          compiledDefinitions.set(key, node);
        }
        return { node, description: def.description };
      },
    });
  return (c, scope) => compileIn(c, scope);
}
