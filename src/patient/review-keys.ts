// Warnings for recorded review decisions that no screened trial can use: a mistyped trial id or
// review id would otherwise be ignored without a word, and the review would stay open.
import { collectFieldRefs } from '../criteria/field-refs.js';
import type { Trial } from '../criteria/load-trial.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { Problem } from '../errors.js';
import { andList } from '../report/fact-words.js';
import { suggest } from '../util/did-you-mean.js';
import { own } from '../util/own.js';
import { locationOf } from './parse.js';

/** Review ids per trial, computed once (batch asks for every row). */
const reviewIdsOf = new WeakMap<Trial, string[]>();

function reviewIds(trial: Trial): string[] {
  let ids = reviewIdsOf.get(trial);
  if (!ids) {
    ids = collectFieldRefs(trial.criteria.map((c) => c.rule), trial.definitions).reviews.map((r) => r.id);
    reviewIdsOf.set(trial, ids);
  }
  return ids;
}

export function reviewKeyWarnings(record: PatientRecord, file: string, screened: readonly Trial[], knownTrialIds: readonly string[]): Problem[] {
  const out: Problem[] = [];
  for (const [trialId, decisions] of Object.entries(record.reviews ?? {})) {
    if (!knownTrialIds.includes(trialId)) {
      const hint = suggest(trialId, knownTrialIds);
      out.push({ location: locationOf(file, ['reviews', trialId]), message: `no trial "${trialId.slice(0, 40)}"${hint ? ` (did you mean "${hint}"?)` : ''}: these decisions are not used` });
      continue;
    }
    const trial = screened.find((t) => t.meta.id === trialId);
    if (!trial) continue;
    const ids = reviewIds(trial);
    for (const reviewId of Object.keys(decisions)) {
      if (ids.includes(reviewId)) continue;
      // The closest id, retired ones first so they win a tie: a near miss of a retired id is told
      // what replaced it, never pointed to a live id its old answer would be read as answering.
      const hint = own(trial.retiredReviews, reviewId) ? reviewId : suggest(reviewId, [...Object.keys(trial.retiredReviews), ...ids]);
      const retired = hint === undefined ? undefined : own(trial.retiredReviews, hint);
      const location = locationOf(file, ['reviews', trialId, reviewId]);
      if (retired) {
        const again = andList(retired.replacedBy.map((id) => `"${id}"`));
        const what = hint === reviewId ? `a retired review item of ${trialId}` : `not a review item of ${trialId} (did you mean the retired "${hint}"?)`;
        out.push({ location, message: `${what}, not used: ${retired.why} Ask the investigator again and record the decision${retired.replacedBy.length > 1 ? 's' : ''} under ${again}.` });
        continue;
      }
      out.push({ location, message: `not a review item of ${trialId}${hint ? ` (did you mean "${hint}"?)` : ''}: ignored` });
    }
  }
  return out;
}
