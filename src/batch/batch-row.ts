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
  return rowOf(row, trial, patientId, result, outcomeColumns(result.criteria, wide), result.missing.map(missingText), warnings.map(formatProblem), wide);
}

/** The columns a row takes from its outcomes alone. */
export type OutcomeColumns = { failed: string[]; unknown: string[]; outcomes?: Record<string, Outcome> };

/** `outcomes` only when asked for (--wide). */
export function outcomeColumns(criteria: OutcomeSummary['criteria'], outcomes: boolean): OutcomeColumns {
  const failed = criteria.filter((c) => c.effect === 'fails').map((c) => c.id);
  const unknown = criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id);
  return outcomes ? { failed, unknown, outcomes: Object.fromEntries(criteria.map((c) => [c.id, c.outcome])) } : { failed, unknown };
}

/**
 * A result with its columns made beforehand: the native DuckDB path makes them once for each
 * distinct set of outcomes and each distinct missing text, and many rows share them.
 */
export type PreparedResult = OutcomeSummary & { columns: OutcomeColumns; missingTexts: string[] };

/** screenedRow of a prepared result, with the row's warnings as written (SQL makes them: native-accept.ts). */
export function preparedRow(row: number, trial: { id: string; completeness: BatchRow['encoding'] }, patientId: string | null, result: PreparedResult, warnings: string[], wide: boolean): BatchRow {
  return rowOf(row, trial, patientId, result, result.columns, result.missingTexts, warnings, wide);
}

function rowOf(row: number, trial: { id: string; completeness: BatchRow['encoding'] }, patientId: string | null, result: OutcomeSummary, columns: OutcomeColumns, missing: string[], warnings: string[], wide: boolean): BatchRow {
  const out: BatchRow = {
    row,
    patientId,
    trial: trial.id,
    verdict: result.verdict,
    encoding: trial.completeness,
    failed: columns.failed,
    unknown: columns.unknown,
    review: result.review,
    missing,
    warnings,
    errors: [],
  };
  if (wide && columns.outcomes) out.outcomes = columns.outcomes;
  return out;
}

export function errorRow(row: number, patientId: string | null, trial: string, problems: Problem[], encoding: BatchRow['encoding']): BatchRow {
  return { row, patientId, trial, verdict: 'error', encoding, failed: [], unknown: [], review: [], missing: [], warnings: [], errors: problems.map(formatProblem) };
}
