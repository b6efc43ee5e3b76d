// Which patient data a trial's rules read: walks condition trees (following `ref` definitions and
// the inputs calculators declare) so templates and the questionnaire can list, order or ask for
// exactly the data a trial needs (the loader's and lint's walkers check rules; this one lists data). Pure.
import { own } from '../util/own.js';
import { CALCULATORS } from '../engine/calculators.js';
import { ruleOf, walkRule, type Condition } from '../rules/registry.js';
import type { ReadContext, ReferenceDateName } from '../rules/types.js';

export type FieldRefs = {
  /** Dictionary field paths read directly (records fields appear here too, e.g. "medications"). */
  fields: Set<string>;
  /** Records field path -> the item fields read inside quantifiers over it. */
  recordFields: Map<string, Set<string>>;
  referenceDates: Set<ReferenceDateName>;
  /** Review items, in the order met, with the criterion (when ids were given) that asks them. */
  reviews: { id: string; by: string; question: string; criterion?: string }[];
};

type DefinitionRules = Record<string, { rule: Condition }>;

/**
 * `ids[i]`, when given, names the criterion whose rule is `conditions[i]` (for review items);
 * `scope`, the records field the conditions are evaluated over (a quantifier's sub-rule).
 */
export function collectFieldRefs(conditions: readonly Condition[], definitions: DefinitionRules = {}, ids: readonly string[] = [], scope?: string): FieldRefs {
  const refs: FieldRefs = { fields: new Set(), recordFields: new Map(), referenceDates: new Set(), reviews: [] };
  const expanded = new Set<string>();
  let criterion: string | undefined;

  const itemFields = (records: string) => {
    let set = refs.recordFields.get(records);
    if (!set) refs.recordFields.set(records, (set = new Set()));
    return set;
  };
  const reader = (scope: string | undefined): ReadContext => ({
    scope,
    field: (name) => (scope && !name.includes('.') ? itemFields(scope).add(name) : refs.fields.add(name)),
    path: (name) => refs.fields.add(name),
    records(name) {
      refs.fields.add(name);
      itemFields(name);
    },
    date: (name) => refs.referenceDates.add(name),
    review(r) {
      if (!refs.reviews.some((x) => x.id === r.id)) refs.reviews.push({ ...r, ...(criterion ? { criterion } : {}) });
    },
    calculatorInputs(name, params) {
      // Calculators read the record in code; each declares what it reads.
      const calculator = own(CALCULATORS, name);
      for (const d of calculator?.dates?.(params) ?? []) refs.referenceDates.add(d);
      const inputs = calculator?.inputs;
      for (const f of inputs?.fields ?? []) refs.fields.add(f);
      for (const [records, items] of Object.entries(inputs?.records ?? {})) {
        refs.fields.add(records);
        for (const item of items) itemFields(records).add(item);
      }
    },
  });
  const walk = (c: Condition, scope: string | undefined): void =>
    walkRule(c, (node, _path, inner) => {
      ruleOf(node).reads?.(node, reader(inner));
      if (node.kind === 'ref') {
        // Each definition is walked once per scope; the loader already rejects cycles.
        const key = `${node.definition}@${inner ?? ''}`;
        const def = own(definitions, node.definition);
        if (def && !expanded.has(key)) {
          expanded.add(key);
          walk(def.rule, inner);
        }
      }
    }, [], scope);
  conditions.forEach((c, i) => {
    criterion = ids[i];
    walk(c, scope);
  });
  return refs;
}
