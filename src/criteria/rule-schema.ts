// The criteria file: trial metadata, definitions and criteria, each criterion's rule being one of
// the rule kinds of src/rules (their union and types come from there). TypeScript types and the
// editor JSON Schema are both derived from here.
import { z } from 'zod';
import { Condition, notReserved } from '../rules/schema.js';

export { Condition, ComparisonOp, Duration, ReferenceDateName } from '../rules/schema.js';
export { REFERENCE_DATES } from '../rules/types.js';
export type { DateOperand } from '../rules/types.js';

export const Criterion = z.strictObject({
  id: notReserved(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/)).describe('Stable id, e.g. I1 or E4.'),
  type: z.enum(['inclusion', 'exclusion']),
  title: z.string().min(1).describe('A short name for reports.'),
  source: z.string().min(1).describe('The exact source sentence(s) this criterion encodes.'),
  note: z.string().optional().describe('How the source was interpreted, for reviewers.'),
  rule: Condition,
});
export type Criterion = z.infer<typeof Criterion>;

export const Definition = z.strictObject({
  description: z.string().min(1),
  source: z.string().optional(),
  rule: Condition,
});

/**
 * A review id no longer asked, kept so a decision recorded under it is named as retired (and what to
 * record instead), never taken for a typo or carried over to another question.
 */
export const RetiredReview = z.strictObject({
  why: z.string().min(1).describe('Why the question was retired, and why its recorded answers are not carried over.'),
  replacedBy: z.array(z.string().min(1)).min(1).describe('The review ids of this trial to record the decision under instead.'),
});

export const TrialFile = z.strictObject({
  trial: z.strictObject({
    id: notReserved(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)),
    nct: z.string().regex(/^NCT\d{8}$/),
    title: z.string().min(1),
    phase: z.string().min(1),
    sponsor: z.string().min(1),
    source: z.string().min(1).describe('The document the criteria were encoded from.'),
    criteriaVersion: z.string().min(1),
    completeness: z.enum(['complete', 'partial']).describe('partial: the source does not give every protocol criterion.'),
    completenessNote: z.string().optional(),
  }),
  definitions: z.record(notReserved(z.string()), Definition).default({}),
  retiredReviews: z
    .record(notReserved(z.string().regex(/^[A-Za-z0-9_.-]+$/)), RetiredReview)
    .default({})
    .describe('Review ids asked by an earlier version: a decision still recorded under one is warned about with what to record instead.'),
  criteria: z.array(Criterion).min(1),
});
export type TrialFile = z.infer<typeof TrialFile>;
