// `review`: a protocol judgement call, needs_review until the patient file records a decision
// under reviews.<trial>.<id>.
import { own } from '../util/own.js';
import { fromBoolean } from '../engine/logic.js';
import type { ReviewItem } from '../engine/result.js';
import type { ReviewDecision } from '../engine/patient-record.js';
import { trace } from './kit.js';
import type { Env, RuleKind } from './types.js';
import { MET, NOT_MET, REVIEW } from '../sql/kit.js';

export type Review = {
  kind: 'review';
  note?: string | undefined;
  id: string;
  by: 'investigator' | 'adjudication committee' | 'sponsor' | 'protocol';
  question: string;
  yesMeans?: string | undefined;
  noMeans?: string | undefined;
  listWhileOpen?: boolean | undefined;
};
/** What a review node's trace records: the question, and the decision once recorded. */
export type ReviewDetail = {
  id: string;
  trial: string;
  by: Review['by'];
  question: string;
  yesMeans?: string;
  noMeans?: string;
  listWhileOpen?: true;
  decision?: 'yes' | 'no';
  decidedBy?: string;
  decidedOn?: string;
  reviewNote?: string;
};

export const review: RuleKind<Review> = {
  kind: 'review',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('review'),
      id: k.notReserved(k.z.string().regex(/^[A-Za-z0-9_.-]+$/)).describe('Key of the confirmation in the patient file: reviews.<trial>.<id>.'),
      by: k.z.enum(['investigator', 'adjudication committee', 'sponsor', 'protocol']),
      question: k.z.string().min(1).describe('A plain question that asserts only what the data shows (or states its premise as a condition).'),
      yesMeans: k.z.string().min(1).optional().describe('What a "yes" decision means for the criterion, in plain words (e.g. "exclusion applies").'),
      noMeans: k.z.string().min(1).optional().describe('What a "no" decision means for the criterion, in plain words (e.g. "exclusion does not apply").'),
      listWhileOpen: k.z.boolean().optional().describe('List this question even while other data of the criterion is missing (it assumes nothing that data would show).'),
      note: k.note,
    }),
  check: (n, cx) => cx.reviewId(['id'], n.id),
  reads: (n, cx) => cx.review({ id: n.id, by: n.by, question: n.question }),
  compile(n, cx) {
    const trialId = cx.trialId;
    const decisionOf = (env: Env): ReviewDecision | undefined => own(own(env.patient.reviews, trialId), n.id);
    const meanings = { ...(n.yesMeans ? { yesMeans: n.yesMeans } : {}), ...(n.noMeans ? { noMeans: n.noMeans } : {}) };
    const detail: ReviewDetail = { id: n.id, trial: trialId, by: n.by, question: n.question, ...meanings, ...(n.listWhileOpen ? { listWhileOpen: true } : {}) };
    return {
      kind: 'review',
      evaluate(env) {
        const decision = decisionOf(env);
        return decision ? fromBoolean(decision.decision === 'yes') : 'needs_review';
      },
      explain(env) {
        const decision = decisionOf(env);
        const item: ReviewItem = { trial: trialId, criterion: env.criterionId, id: n.id, by: n.by, question: n.question, status: 'open', ...meanings };
        env.reviews.push(item);
        if (!decision) return trace('review', 'needs_review', [], [], n.note, detail);
        item.status = decision.decision === 'yes' ? 'confirmed' : 'rejected';
        item.decidedBy = decision.by;
        item.decidedOn = decision.date;
        if (decision.note) item.note = decision.note;
        return trace('review', fromBoolean(decision.decision === 'yes'), [], [], n.note, {
          ...detail,
          decision: decision.decision,
          decidedBy: decision.by,
          decidedOn: decision.date,
          ...(decision.note ? { reviewNote: decision.note } : {}),
        });
      },
    };
  },
  describe: (n, cx) => ({
    text: `${n.by} decides: ${n.question}${n.yesMeans && n.noMeans ? ` (yes: ${n.yesMeans}; no: ${n.noMeans})` : ''} (recorded in the patient file as reviews."${cx.trialId}"."${n.id}")`,
  }),
  // No recorded decision: needs review (the simple CASE sends NULL to ELSE on purpose).
  toSql: (n, cx) => `(CASE ${cx.review(n.id)} WHEN 'yes' THEN ${MET} WHEN 'no' THEN ${NOT_MET} ELSE ${REVIEW} END)`,
  // Open, never unknown: a question, not a field to collect.
  missingSql: () => 'NULL',
};
