// Which patient data a trial's rules read: the fields, record items, reference dates and review
// ids. Templates (CSV header, JSON skeleton) are built from it so a site asks only for what counts.
import type { Dictionary } from './dictionary.js';
import type { Trial } from './load-trial.js';
import type { Condition, ReferenceDateName } from './rule-schema.js';

export type TrialFields = {
  /** Dictionary field paths, in dictionary order. */
  fields: string[];
  /** For each repeating-record field used: the item fields the rules read, in dictionary order. */
  recordItems: Map<string, string[]>;
  referenceDates: ReferenceDateName[];
  reviews: { id: string; by: string; question: string; criterion: string }[];
};

const MEDICATION_ITEMS = ['drug', 'class', 'start', 'stop', 'ongoing', 'doses'];

export function trialFields(trial: Trial, dict: Dictionary): TrialFields {
  const fields = new Set<string>();
  const items = new Map<string, Set<string>>();
  const refs = new Set<ReferenceDateName>();
  const reviews: TrialFields['reviews'] = [];
  const seenDefs = new Set<string>();
  const addItem = (records: string, name: string) => {
    fields.add(records);
    const set = items.get(records) ?? new Set<string>();
    set.add(name);
    // A drug's class is filled in from the drug; "other" drugs need their class written down.
    if (name === 'class') set.add('drug');
    if (name === 'drug' && dict.fields.get(records)?.type === 'records') {
      const def = dict.fields.get(records);
      if (def?.type === 'records' && 'class' in def.item) set.add('class');
      if (def?.type === 'records' && 'otherName' in def.item) set.add('otherName');
    }
    items.set(records, set);
  };
  const field = (name: string, scope: string | undefined) => {
    if (scope && !name.includes('.')) addItem(scope, name);
    else fields.add(name);
  };
  const walk = (c: Condition, scope: string | undefined, criterion: string): void => {
    switch (c.kind) {
      case 'all':
      case 'any':
      case 'atLeast':
        for (const x of c.of) walk(x, scope, criterion);
        return;
      case 'not':
        return walk(c.of, scope, criterion);
      case 'compare':
      case 'is':
      case 'in':
      case 'includesAny':
      case 'labUln':
      case 'known':
        return field(c.field, scope);
      case 'dateWithin':
        refs.add(c.before);
        return field(c.field, scope);
      case 'interval':
        for (const side of [c.from, c.to]) {
          if ('field' in side) field(side.field, scope);
          else refs.add(side.ref);
        }
        return;
      case 'age':
        refs.add(c.at);
        fields.add('demographics.birthDate');
        return;
      case 'exists':
      case 'forAll':
      case 'count':
        fields.add(c.records);
        if (c.where) walk(c.where, c.records, criterion);
        if (c.kind === 'forAll') walk(c.check, c.records, criterion);
        return;
      case 'ongoing':
      case 'takenFor':
      case 'stableDose':
      case 'lastDoseWithin':
        refs.add(c.kind === 'ongoing' ? c.at : c.before);
        if (scope) for (const name of MEDICATION_ITEMS) addItem(scope, name);
        return;
      case 'review':
        if (!reviews.some((r) => r.id === c.id)) reviews.push({ id: c.id, by: c.by, question: c.question, criterion });
        return;
      case 'ref': {
        const def = trial.definitions[c.definition];
        // Definitions are acyclic (the loader checks); the set only avoids walking one twice per scope.
        const key = `${c.definition}@${scope ?? ''}@${criterion}`;
        if (!def || seenDefs.has(key)) return;
        seenDefs.add(key);
        return walk(def.rule, scope, criterion);
      }
      case 'calc':
        // Calculators read the record directly; they declare no fields, so a template cannot list them.
        return;
    }
  };
  for (const c of trial.criteria) walk(c.rule, undefined, c.id);
  const ordered = [...dict.fields.keys()].filter((p) => fields.has(p));
  const recordItems = new Map<string, string[]>();
  for (const p of ordered) {
    const def = dict.fields.get(p);
    const used = items.get(p);
    if (def?.type !== 'records') continue;
    recordItems.set(p, Object.keys(def.item).filter((name) => used?.has(name)));
  }
  const referenceDates = (['screening', 'consent', 'randomization'] as const).filter((r) => refs.has(r));
  return { fields: ordered, recordItems, referenceDates, reviews };
}
