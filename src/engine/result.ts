// Result objects: plain JSON data. Formatters turn them into sentences; the engine never does.
import type { Outcome } from './logic.js';

/** A value the engine looked at. `value` is null when the field was not recorded. */
export type Fact = {
  field: string;
  label: string;
  value: string | number | boolean | null | string[];
  unit?: string;
};

export type Detail = Record<string, string | number | boolean | null>;

/** One node of the evaluated condition tree. */
export type Trace = {
  kind: string;
  outcome: Outcome;
  note?: string;
  facts: Fact[];
  /** Field paths whose absence left this node open (only when outcome is unknown). */
  missing: string[];
  /** Operator-specific data the formatter needs (threshold, op, dates compared...). */
  detail?: Detail;
  children?: Trace[];
};

export type ReviewItem = {
  trial: string;
  criterion: string;
  id: string;
  by: string;
  question: string;
  status: 'open' | 'confirmed' | 'rejected';
  /** What each answer means for the criterion, in plain words (from the criteria file). */
  yesMeans?: string;
  noMeans?: string;
  decidedBy?: string;
  decidedOn?: string;
  note?: string;
};

export type CriterionResult = {
  id: string;
  type: 'inclusion' | 'exclusion';
  title: string;
  source: string;
  /** How the source was interpreted (shown in every report format). */
  note?: string;
  /** For an exclusion, `met` means the exclusion applies. */
  outcome: Outcome;
  /** What this criterion does to eligibility. */
  effect: 'passes' | 'fails' | 'open';
  trace: Trace;
  missing: string[];
  review: ReviewItem[];
};

export type Verdict = 'eligible' | 'ineligible' | 'undetermined';

export type ReferenceDates = { screening?: string; consent?: string; randomization?: string };

export type ScreeningResult = {
  trial: { id: string; nct: string; title: string; version: string; sha256: string; completeness: 'complete' | 'partial'; completenessNote?: string };
  patientId: string | null;
  /** Patient-file path -> source record of imported values (from the patient file's provenance). */
  provenance?: Record<string, string>;
  referenceDates: ReferenceDates;
  verdict: Verdict;
  criteria: CriterionResult[];
  /** Every missing field across open criteria, deduplicated, in criterion order. */
  missing: { field: string; label: string; criteria: string[] }[];
  review: ReviewItem[];
  counts: { met: number; not_met: number; unknown: number; needs_review: number; failing: number };
};
