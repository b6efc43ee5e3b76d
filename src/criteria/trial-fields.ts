// What a trial's template asks for: the fields, record items, reference dates and review ids its
// rules read (collected by field-refs.ts), in data-dictionary order, so a site collects only what
// counts. Several trials screened from one file ask for what any of them reads.
import type { Dictionary } from './dictionary-model.js';
import { collectFieldRefs } from './field-refs.js';
import type { Trial } from './load-trial.js';
import { REFERENCE_DATES, type ReferenceDateName } from '../rules/types.js';

export type TrialFields = {
  /** Dictionary field paths, in dictionary order. */
  fields: string[];
  /** For each repeating-record field used: the item fields the rules read, in dictionary order. */
  recordItems: Map<string, string[]>;
  referenceDates: ReferenceDateName[];
  /** Each trial's review items in turn, with the trial they belong to (review ids are a trial's own). */
  reviews: { trial: string; id: string; by: string; question: string; criterion: string }[];
};

export function trialFields(trial: Trial, dict: Dictionary): TrialFields {
  return trialsFields([trial], dict);
}

export function trialsFields(trials: readonly Trial[], dict: Dictionary): TrialFields {
  const all = trials.map((trial) => ({ trial, refs: collectFieldRefs(trial.criteria.map((c) => c.rule), trial.definitions, trial.criteria.map((c) => c.id)) }));
  const ordered = [...dict.fields.keys()].filter((p) => all.some(({ refs }) => refs.fields.has(p)));
  const recordItems = new Map<string, string[]>();
  for (const p of ordered) {
    const def = dict.fields.get(p);
    if (def?.type !== 'records') continue;
    const used = new Set(all.flatMap(({ refs }) => [...(refs.recordFields.get(p) ?? [])]));
    // A medication is identified by its drug, whose class is filled in from it ("other" drugs need
    // their name and class written down); medication operators read start, stop, ongoing, doses.
    if (def.kindOf === 'medication' && used.size > 0) for (const name of ['drug', 'class', 'otherName']) used.add(name);
    recordItems.set(p, Object.keys(def.item).filter((name) => used.has(name)));
  }
  const referenceDates = REFERENCE_DATES.filter((r) => all.some(({ refs }) => refs.referenceDates.has(r)));
  const reviews = all.flatMap(({ trial, refs }) => refs.reviews.map((r) => ({ trial: trial.meta.id, ...r, criterion: r.criterion ?? '' })));
  return { fields: ordered, recordItems, referenceDates, reviews };
}
