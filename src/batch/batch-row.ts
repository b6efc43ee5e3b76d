// One line of batch output: the verdict of one input row for one trial, with the criteria that
// failed, stayed unknown or need review, and the missing fields. Plain data; formatters write it.
import type { Outcome } from '../engine/logic.js';
import type { OutcomeSummary } from '../engine/evaluate.js';
import type { Verdict } from '../engine/result.js';
import { formatProblem, type Problem } from '../errors.js';
import { missingText } from '../report/missing-words.js';

export type BatchVerdict = Verdict | 'error';

export type BatchRow = {
  /** CSV: data row number (1 = first row after the header). NDJSON: line number. */
  row: number;
  patientId: string | null;
  trial: string;
  verdict: BatchVerdict;
  /** Whether the trial's criteria are fully encoded; a partial encoding can never be the full answer. */
  encoding: 'complete' | 'partial';
  failed: string[];
  unknown: string[];
  /** Open review items, as review ids. */
  review: string[];
  missing: string[];
  warnings: string[];
  /** Why the row could not be screened (verdict error), each "column: reason". */
  errors: string[];
  /** Criterion id -> outcome (only with --wide). */
  outcomes?: Record<string, Outcome>;
};

export function screenedRow(row: number, trial: { id: string; completeness: BatchRow['encoding'] }, patientId: string | null, result: OutcomeSummary, warnings: Problem[], wide: boolean): BatchRow {
  const out: BatchRow = {
    row,
    patientId,
    trial: trial.id,
    verdict: result.verdict,
    encoding: trial.completeness,
    failed: result.criteria.filter((c) => c.effect === 'fails').map((c) => c.id),
    unknown: result.criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id),
    review: result.review,
    missing: result.missing.map(missingText),
    warnings: warnings.map(formatProblem),
    errors: [],
  };
  if (wide) out.outcomes = Object.fromEntries(result.criteria.map((c) => [c.id, c.outcome]));
  return out;
}

export function errorRow(row: number, patientId: string | null, trial: string, problems: Problem[], encoding: BatchRow['encoding']): BatchRow {
  return { row, patientId, trial, verdict: 'error', encoding, failed: [], unknown: [], review: [], missing: [], warnings: [], errors: problems.map(formatProblem) };
}
