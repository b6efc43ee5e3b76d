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
  return rowOf(row, trial, patientId, result, outcomeColumns(result.criteria, wide), result.missing.map(missingText), warnings.map(formatProblem));
}

/**
 * screenedRow for rows without warnings whose results share their arrays (the native DuckDB path
 * decodes each distinct set of outcomes and each distinct missing text once, src/sql/native-results.ts):
 * what depends on those arrays alone is built once per array, not once per row.
 */
export function sharedScreenedRows(wide: boolean): (row: number, trial: { id: string; completeness: BatchRow['encoding'] }, patientId: string | null, result: OutcomeSummary) => BatchRow {
  const byCriteria = new WeakMap<OutcomeSummary['criteria'], OutcomeColumns>();
  const texts = new WeakMap<OutcomeSummary['missing'], string[]>();
  return (row, trial, patientId, result) => {
    let columns = byCriteria.get(result.criteria);
    if (!columns) byCriteria.set(result.criteria, (columns = outcomeColumns(result.criteria, wide)));
    let missing = texts.get(result.missing);
    if (!missing) texts.set(result.missing, (missing = result.missing.map(missingText)));
    return rowOf(row, trial, patientId, result, columns, missing, NONE);
  };
}

const NONE: string[] = [];

/** The columns a row takes from its outcomes alone. */
type OutcomeColumns = { failed: string[]; unknown: string[]; outcomes?: Record<string, Outcome> };

function outcomeColumns(criteria: OutcomeSummary['criteria'], wide: boolean): OutcomeColumns {
  const failed = criteria.filter((c) => c.effect === 'fails').map((c) => c.id);
  const unknown = criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id);
  return wide ? { failed, unknown, outcomes: Object.fromEntries(criteria.map((c) => [c.id, c.outcome])) } : { failed, unknown };
}

function rowOf(row: number, trial: { id: string; completeness: BatchRow['encoding'] }, patientId: string | null, result: OutcomeSummary, columns: OutcomeColumns, missing: string[], warnings: string[]): BatchRow {
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
  if (columns.outcomes) out.outcomes = columns.outcomes;
  return out;
}

export function errorRow(row: number, patientId: string | null, trial: string, problems: Problem[], encoding: BatchRow['encoding']): BatchRow {
  return { row, patientId, trial, verdict: 'error', encoding, failed: [], unknown: [], review: [], missing: [], warnings: [], errors: problems.map(formatProblem) };
}
