// Pure evaluation of a trial's criteria against one normalised patient record. No I/O, no
// clock: reference dates come in as arguments, and absent data is `unknown`, never a guess.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { Criterion } from '../criteria/rule-schema.js';
import { ruleCompiler, walkRule, type Condition } from '../rules/registry.js';
import { recordName } from '../rules/quantifier.js';
import type { CompiledNode, Env } from '../rules/types.js';
import { isOpen, type Outcome } from './logic.js';
import { sameMissing, type CriterionResult, type Missing, type MissingRecord, type ReferenceDates, type ScreeningResult, type Trace, type Verdict } from './result.js';
import { getPath, type PatientRecord } from './patient-record.js';

/** A trial's criteria compiled once (per dictionary): every patient reuses the same nodes. */
export type CompiledTrial = {
  trial: Trial;
  dict: Dictionary;
  criteria: {
    criterion: Criterion;
    node: CompiledNode;
    /** Which open outcomes can list review questions (listWhileOpen ones are listed while data is missing too). */
    asks: { needsReview: boolean; unknown: boolean };
  }[];
};

/** Does the rule (with the definitions it uses) hold review items, and any listed while data is missing? */
function reviewsIn(rule: Condition, definitions: Trial['definitions']): { needsReview: boolean; unknown: boolean } {
  const found = { needsReview: false, unknown: false };
  const seen = new Set<string>();
  const visit = (c: Condition) =>
    walkRule(c, (node) => {
      if (node.kind === 'review') {
        found.needsReview = true;
        if (node.listWhileOpen) found.unknown = true;
      }
      if (node.kind === 'ref' && !seen.has(node.definition) && Object.hasOwn(definitions, node.definition)) {
        seen.add(node.definition);
        visit((definitions[node.definition] as { rule: Condition }).rule);
      }
    });
  visit(rule);
  return found;
}

const compiledTrials = new WeakMap<Trial, CompiledTrial>();

export function compileTrial(trial: Trial, dict: Dictionary): CompiledTrial {
  const cached = compiledTrials.get(trial);
  if (cached && cached.dict === dict) return cached;
  const compile = ruleCompiler(dict, trial.definitions, trial.meta.id);
  const criteria = trial.criteria.map((criterion) => ({ criterion, node: compile(criterion.rule), asks: reviewsIn(criterion.rule, trial.definitions) }));
  const compiled: CompiledTrial = { trial, dict, criteria };
  compiledTrials.set(trial, compiled);
  return compiled;
}

function newEnv(patient: PatientRecord, dates: ReferenceDates, trialId: string): Env {
  return { patient, dates, trialId, criterionId: '', missing: [], reviews: [], item: undefined, index: 0 };
}

export type ScreenOptions = { referenceDates: ReferenceDates };

export function screenPatient(trial: Trial, dict: Dictionary, patient: PatientRecord, options: ScreenOptions): ScreeningResult {
  const compiled = compileTrial(trial, dict);
  const env = newEnv(patient, options.referenceDates, trial.meta.id);
  const criteria = compiled.criteria.map((c) => explainCriterion(c.criterion, c.node, env));
  const verdict = decideVerdict(criteria);
  const missing: ScreeningResult['missing'] = [];
  for (const c of criteria) {
    for (const m of c.missing) {
      let entry = missing.find((e) => sameMissing(e, m));
      if (!entry) {
        const record = recordOf(m.field, patient);
        missing.push((entry = { ...m, ...(record ? { record } : {}), criteria: [] }));
      }
      if (!entry.criteria.includes(c.id)) entry.criteria.push(c.id);
    }
  }
  const counts = { met: 0, not_met: 0, unknown: 0, needs_review: 0, failing: 0 };
  for (const c of criteria) {
    counts[c.outcome] += 1;
    if (c.effect === 'fails') counts.failing += 1;
  }
  return {
    trial: {
      id: trial.meta.id,
      nct: trial.meta.nct,
      title: trial.meta.title,
      version: trial.meta.criteriaVersion,
      sha256: trial.sha256,
      completeness: trial.meta.completeness,
      ...(trial.meta.completenessNote ? { completenessNote: trial.meta.completenessNote } : {}),
    },
    patientId: typeof patient.id === 'string' ? patient.id : null,
    ...(patient.provenance ? { provenance: patient.provenance } : {}),
    referenceDates: options.referenceDates,
    verdict,
    criteria,
    missing,
    // Each criterion already lists only the open questions that matter now (see evaluateCriterion).
    // A question of a definition several criteria use is one decision: listed once, under the first.
    review: criteria.flatMap((c) => c.review.filter((r) => r.status === 'open')).filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i),
    counts,
  };
}

/**
 * Ids of the review items a person should decide now: inside nodes that are still open, and only
 * where no sibling is still unknown. An unknown sibling is either a premise of the question (the
 * other parts of an "all") or data that may make it unnecessary (another alternative of an
 * "any"): collect that data first, so no question asserts what the data does not show.
 */
export function liveReviewIds(t: Trace, out = new Set<string>(), onlyListWhileOpen = false): Set<string> {
  if (!isOpen(t.outcome)) return out;
  if (t.kind === 'review' && typeof t.detail?.id === 'string' && (!onlyListWhileOpen || t.detail.listWhileOpen === true)) out.add(t.detail.id);
  const children = t.children ?? [];
  children.forEach((c, i) => {
    // A question marked listWhileOpen assumes nothing the missing data would show: ask it anyway.
    const waiting = children.some((other, j) => j !== i && other.outcome === 'unknown');
    liveReviewIds(c, out, onlyListWhileOpen || waiting);
  });
  return out;
}

/** Ineligible beats everything; otherwise any open criterion leaves the verdict undetermined. */
export function decideVerdict(criteria: Pick<CriterionResult, 'effect'>[]): Verdict {
  if (criteria.some((c) => c.effect === 'fails')) return 'ineligible';
  if (criteria.some((c) => c.effect === 'open')) return 'undetermined';
  return 'eligible';
}

export function effectOf(type: 'inclusion' | 'exclusion', outcome: Outcome): CriterionResult['effect'] {
  if (isOpen(outcome)) return 'open';
  const passes = type === 'inclusion' ? outcome === 'met' : outcome === 'not_met';
  return passes ? 'passes' : 'fails';
}

export function evaluateCriterion(trial: Trial, dict: Dictionary, patient: PatientRecord, dates: ReferenceDates, criterion: Criterion): CriterionResult {
  const compiled = compileTrial(trial, dict).criteria.find((c) => c.criterion === criterion);
  const node = compiled?.node ?? ruleCompiler(dict, trial.definitions, trial.meta.id)(criterion.rule);
  return explainCriterion(criterion, node, newEnv(patient, dates, trial.meta.id));
}

function explainCriterion(criterion: Criterion, node: CompiledNode, env: Env): CriterionResult {
  env.criterionId = criterion.id;
  env.reviews = [];
  const trace = node.explain(env);
  const live = liveReviewIds(trace);
  return {
    id: criterion.id,
    type: criterion.type,
    title: criterion.title,
    source: criterion.source,
    outcome: trace.outcome,
    effect: effectOf(criterion.type, trace.outcome),
    trace,
    missing: trace.missing,
    // Open questions only where they can still change the result (liveReviewIds); decided ones
    // always, as the record of who decided. A review met once per record is listed once.
    review: env.reviews
      .filter((r) => r.status !== 'open' || live.has(r.id))
      .filter((r, i, all) => all.findIndex((x) => x.id === r.id && x.status === r.status) === i),
    ...(criterion.note ? { note: criterion.note } : {}),
  };
}

/** A verdict without explanations: what batch screening writes for each row. */
export type OutcomeSummary = {
  verdict: Verdict;
  criteria: { id: string; outcome: Outcome; effect: CriterionResult['effect'] }[];
  /** What open criteria still need, deduplicated, in criterion order. */
  missing: Missing[];
  /** Open review ids, as in ScreeningResult.review. */
  review: string[];
};

/**
 * The same verdict, outcomes, missing fields and open reviews as screenPatient, without building
 * explanations: only an open criterion that may list review questions is explained, to find which
 * questions are live.
 */
export function screenOutcomes(compiled: CompiledTrial, patient: PatientRecord, referenceDates: ReferenceDates): OutcomeSummary {
  const env = newEnv(patient, referenceDates, compiled.trial.meta.id);
  const criteria: OutcomeSummary['criteria'] = [];
  const missing: Missing[] = [];
  const review: string[] = [];
  for (const { criterion, node, asks } of compiled.criteria) {
    env.criterionId = criterion.id;
    env.missing.length = 0;
    const outcome = node.evaluate(env);
    criteria.push({ id: criterion.id, outcome, effect: effectOf(criterion.type, outcome) });
    // Only an open criterion's fields are worth collecting (as in its trace, and in the SQL query).
    if (outcome === 'unknown') for (const m of env.missing) if (!missing.some((x) => sameMissing(x, m))) missing.push(m);
    if ((outcome === 'needs_review' && asks.needsReview) || (outcome === 'unknown' && asks.unknown)) {
      for (const r of explainCriterion(criterion, node, env).review) if (r.status === 'open' && !review.includes(r.id)) review.push(r.id);
    }
  }
  return { verdict: decideVerdict(criteria), criteria, missing, review };
}

/** The list record a missing path is inside (`medications[1].stop`), with the record's name as recorded. */
function recordOf(path: string, patient: PatientRecord): MissingRecord | undefined {
  const m = /^([a-zA-Z.]+?)\[(\d+)\]\.\w+$/.exec(path);
  if (!m) return undefined;
  const [, list = '', at = '0'] = m;
  const index = Number(at);
  const records = getPath(patient, list);
  const item = Array.isArray(records) ? (records[index] as Record<string, unknown> | undefined) : undefined;
  const name = item ? recordName(item) : undefined;
  return { list, index, ...(name ? { name } : {}) };
}
