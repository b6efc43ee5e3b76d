// Result objects: plain JSON data. Formatters turn them into sentences; the engine never does.
import type { Outcome } from './logic.js';
import type { TraceDetails } from '../rules/registry.js';

/** A value the engine looked at. `value` is null when the field was not recorded. */
export type Fact = FieldFact | RoleFact;

/** A field's own value, under its label from the criteria files (the dictionary's, or a calculator item's name). */
export type FieldFact = {
  field: string;
  label: string;
  value: string | number | boolean | null | string[];
  unit?: string;
  /** The file's other records joined into the record `field` names (its value may come from one of them): their indexes (src/patient/record-origins.ts). */
  joinedWith?: number[];
};

/**
 * A value in a role the rule gives it (a lab's upper limit of normal, a drug's start, the dose
 * from a date): data, worded only in src/report/fact-words.ts.
 */
export type RoleFact = {
  field: string;
  role: FactRole;
  value: string | number | boolean | null | string[];
  unit?: string;
  /** As FieldFact's. */
  joinedWith?: number[];
};

export type FactRole =
  /** The upper limit of normal of the lab labelled `of`. */
  | { kind: 'uln'; of: string }
  /** A medication record's start, last dose, or that it is still taken. */
  | { kind: 'start' }
  | { kind: 'lastDose' }
  | { kind: 'ongoing' }
  /** The dose taken from this date. */
  | { kind: 'doseFrom'; date: string }
  /** Whether the list labelled `list` is confirmed complete. */
  | { kind: 'listComplete'; list: string }
  /** A reference date (screening, consent, randomization). */
  | { kind: 'referenceDate'; name: string }
  /** The patient's body weight (a dose per kg). */
  | { kind: 'bodyWeight' }
  /** An IMACS core-set measure (its name from the calculator) at baseline or follow-up. */
  | { kind: 'imacsMeasure'; measure: string; at: 'baseline' | 'followUp' }
  /**
   * A glucocorticoid's daily dose as prednisone: from the equivalence table (`drugMgPerDay` of the
   * drug itself, absent for prednisone) or the recorded equivalent; `ifStillTaken` when whether it
   * is still taken is not known.
   */
  | { kind: 'prednisoneDose'; drug: DrugRef; from: 'table' | 'recorded'; drugMgPerDay?: number; ifStillTaken?: true }
  /**
   * A drug stopped for intolerance, and whether it was taken together with a partner class for
   * `months`: the fact's value is true (with `partners`, the records it overlapped), false, or null
   * when the dates that would decide are not recorded.
   */
  | { kind: 'intoleranceCourse'; drug: DrugRef; start?: string; end?: string; ongoing?: boolean; partner: 'corticosteroid' | 'immunosuppressant' | 'either'; which?: 'named' | 'unnamed'; stillTaken?: boolean; responseUnknown?: boolean; months: number; partners?: DrugRef[] }
  | { kind: 'combinedCourse'; drug: DrugRef; start?: string; end?: string; ongoing?: boolean; months: number; partners?: DrugRef[] };

/**
 * A medication record as a calculator names it: its index in the list, and its drug and `otherName`
 * as recorded (`label`: the drug's label from the criteria files, for reports to show).
 */
export type DrugRef = { index: number; drug?: string; label?: string; otherName?: string };

/**
 * What a missing field must hold to settle a rule, when its path alone does not say: data, worded
 * only in src/report/missing-words.ts.
 */
export type Need =
  /** A result dated within the rule's window (the recorded one is outside it). */
  | { kind: 'resultBetween'; from: string; to: string }
  /** A score on the 0–max scale (the recorded one is on another scale); `asBaseline`: the baseline's scale. */
  | { kind: 'scale'; max: number; asBaseline?: true }
  /** The dose taken on this date (the start of a stable-dose window). */
  | { kind: 'doseOn'; date: string }
  /** Every dose in the same unit (doses in different units cannot be compared). */
  | { kind: 'sameUnit' }
  /** The amount of the dose taken from this date. */
  | { kind: 'doseAmount'; date: string }
  /**
   * The drug's total daily dose on this date: another record of the drug is taken that day too
   * (the same course entered twice, or doses taken together).
   */
  | { kind: 'dailyTotal'; date: string };

/** A value to collect: the patient-file path, and what it must hold when the path alone does not say. */
export type Missing = { field: string; need?: Need };

/** How a list record names itself, as recorded: its naming field (drug, type, name or test), value and `otherName`. */
export type RecordName = { key: string; value: string; otherName?: string };

/**
 * The list record a missing value belongs to (`medications[1].stop`): the list's path, the
 * record's index and its name as data, so a report can say "of Methotrexate (medications #2)"
 * without the patient file (src/report/missing-label.ts words it).
 */
export type MissingRecord = {
  list: string;
  index: number;
  name?: RecordName;
  /** The file's other records the reader joined into this one (one course entered twice or continued): their indexes. */
  joinedWith?: number[];
};

/** A missing value across a screening: which criteria it would settle, and its record when inside a list. */
export type MissingEntry = Missing & { record?: MissingRecord; criteria: string[] };

/** A node of one kind, with the detail its rule module declares (src/rules/registry.ts lists them). */
export type TraceOf<K extends TraceKind> = {
  kind: K;
  outcome: Outcome;
  note?: string;
  facts: Fact[];
  /** What left this node open (only when outcome is unknown). */
  missing: Missing[];
  /** Kind-specific data the formatter needs (threshold, op, dates compared...). */
  detail?: TraceDetails[K];
  children?: Trace[];
};

export type TraceKind = keyof TraceDetails;

/** One node of the evaluated condition tree: a union keyed by kind, so formatters switch on typed data. */
export type Trace = { [K in TraceKind]: TraceOf<K> }[TraceKind];

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
  missing: Missing[];
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
  /** Every missing field across open criteria, deduplicated, in criterion order (worded by src/report/missing-label.ts). */
  missing: MissingEntry[];
  review: ReviewItem[];
  counts: { met: number; not_met: number; unknown: number; needs_review: number; failing: number };
};

/** Two entries ask for the same value (the same path, and the same need if any). */
export function sameMissing(a: Missing, b: Missing): boolean {
  if (a.field !== b.field) return false;
  const x = a.need as Record<string, unknown> | undefined;
  const y = b.need as Record<string, unknown> | undefined;
  if (!x || !y) return x === y;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}
