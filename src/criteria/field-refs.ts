// Which patient data a trial's rules read: walks condition trees (following `ref` definitions and
// the inputs calculators declare) so templates and the questionnaire can list, order or ask for
// exactly the data a trial needs (the loader's and lint's walkers check rules; this one lists data). Pure.
import { own } from '../util/own.js';
import { CALCULATORS } from '../engine/calculators.js';
import type { Condition, ReferenceDateName } from './rule-schema.js';

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

/** Item fields the medication operators read from the record in scope. */
const MEDICATION_FIELDS = ['start', 'stop', 'ongoing', 'doses'];

/** `ids[i]`, when given, names the criterion whose rule is `conditions[i]` (for review items). */
export function collectFieldRefs(conditions: readonly Condition[], definitions: DefinitionRules = {}, ids: readonly string[] = []): FieldRefs {
  const refs: FieldRefs = { fields: new Set(), recordFields: new Map(), referenceDates: new Set(), reviews: [] };
  const expanded = new Set<string>();

  const addField = (field: string, scope: string | undefined) => {
    if (scope && !field.includes('.')) {
      const set = refs.recordFields.get(scope) ?? new Set<string>();
      set.add(field);
      refs.recordFields.set(scope, set);
    } else refs.fields.add(field);
  };

  let criterion: string | undefined;
  const walk = (c: Condition, scope: string | undefined): void => {
    switch (c.kind) {
      case 'all':
      case 'any':
      case 'atLeast':
        c.of.forEach((x) => walk(x, scope));
        return;
      case 'not':
        walk(c.of, scope);
        return;
      case 'compare':
      case 'is':
      case 'in':
      case 'includesAny':
      case 'known':
        addField(c.field, scope);
        return;
      case 'labUln':
        addField(c.field, scope);
        if (c.within) refs.referenceDates.add(c.before ?? 'screening');
        if (c.within && c.through) refs.referenceDates.add(c.through);
        return;
      case 'dateWithin':
        addField(c.field, scope);
        refs.referenceDates.add(c.before);
        return;
      case 'age':
        refs.fields.add('demographics.birthDate');
        refs.referenceDates.add(c.at);
        return;
      case 'interval':
        for (const operand of [c.from, c.to]) {
          if ('ref' in operand) refs.referenceDates.add(operand.ref);
          else addField(operand.field, scope);
        }
        return;
      case 'exists':
      case 'forAll':
      case 'count':
        refs.fields.add(c.records);
        if (!refs.recordFields.has(c.records)) refs.recordFields.set(c.records, new Set());
        if (c.where) walk(c.where, c.records);
        if (c.kind === 'forAll') walk(c.check, c.records);
        return;
      case 'ongoing':
      case 'takenFor':
      case 'stableDose':
      case 'lastDoseWithin':
        for (const f of MEDICATION_FIELDS) if (scope) addField(f, scope);
        refs.referenceDates.add(c.kind === 'ongoing' ? c.at : c.before);
        return;
      case 'review':
        if (!refs.reviews.some((r) => r.id === c.id)) refs.reviews.push({ id: c.id, by: c.by, question: c.question, ...(criterion ? { criterion } : {}) });
        return;
      case 'ref': {
        // Each definition is walked once per scope kind; the loader already rejects cycles.
        const key = `${c.definition}@${scope ?? ''}`;
        const def = own(definitions, c.definition);
        if (!def || expanded.has(key)) return;
        expanded.add(key);
        walk(def.rule, scope);
        return;
      }
      case 'calc': {
        // Calculators read the record in code; each declares what it reads.
        const inputs = own(CALCULATORS, c.calculator)?.inputs;
        for (const f of inputs?.fields ?? []) refs.fields.add(f);
        for (const [records, items] of Object.entries(inputs?.records ?? {})) {
          refs.fields.add(records);
          for (const item of items) addField(item, records);
        }
        return;
      }
    }
  };
  conditions.forEach((c, i) => {
    criterion = ids[i];
    walk(c, undefined);
  });
  return refs;
}
