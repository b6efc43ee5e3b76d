// The screen-failure (attrition) table a site uses for feasibility: verdict counts per trial and,
// per criterion, how many rows failed it, were unknown on it or need review on it.
import type { OutcomeSummary } from '../engine/evaluate.js';
import type { BatchVerdict } from './batch-row.js';

export type CriterionTally = {
  id: string;
  type: 'inclusion' | 'exclusion';
  title: string;
  /** Rows where this criterion makes the patient ineligible. */
  failed: number;
  /** Rows where it is the only failing criterion (relaxing it alone would change the verdict). */
  soleFailure: number;
  unknown: number;
  needsReview: number;
};

export type TrialTally = {
  trial: string;
  /** partial: the trial's criteria are not all encoded, so no verdict here is the full answer. */
  encoding: 'complete' | 'partial';
  encodingNote?: string;
  rows: number;
  verdicts: Record<BatchVerdict, number>;
  criteria: CriterionTally[];
};

export type ScreenFailureSummary = { summaryVersion: 1; rows: number; errorRows: number; trials: TrialTally[] };

export class SummaryCounter {
  private trials = new Map<string, { tally: TrialTally; byId: Map<string, CriterionTally> }>();
  private inputRows = 0;
  private errorRows = 0;

  /** Register the trials up front so the table lists every criterion, even with no rows. */
  addTrial(
    id: string,
    criteria: { id: string; type: 'inclusion' | 'exclusion'; title: string }[],
    meta: { completeness: 'complete' | 'partial'; completenessNote?: string | undefined },
  ): void {
    const list = criteria.map((c) => ({ id: c.id, type: c.type, title: c.title, failed: 0, soleFailure: 0, unknown: 0, needsReview: 0 }));
    const encoding = { encoding: meta.completeness, ...(meta.completeness === 'partial' && meta.completenessNote ? { encodingNote: meta.completenessNote } : {}) };
    this.trials.set(id, {
      tally: { trial: id, ...encoding, rows: 0, verdicts: { eligible: 0, ineligible: 0, undetermined: 0, error: 0 }, criteria: list },
      byId: new Map(list.map((c) => [c.id, c])),
    });
  }

  inputRow(error: boolean): void {
    this.inputRows += 1;
    if (error) this.errorRows += 1;
  }

  screened(trialId: string, result: Pick<OutcomeSummary, 'verdict' | 'criteria'>): void {
    const t = this.trials.get(trialId);
    if (!t) return;
    t.tally.rows += 1;
    t.tally.verdicts[result.verdict] += 1;
    let failing = 0;
    let sole: string | undefined;
    const { criteria } = result;
    for (let i = 0; i < criteria.length; i++) {
      const c = criteria[i] as (typeof criteria)[number];
      // Results list the criteria in the trial's order: the tally at the same place, else by id.
      const at = t.tally.criteria[i];
      const tally = at?.id === c.id ? at : t.byId.get(c.id);
      if (!tally) continue;
      if (c.effect === 'fails') {
        tally.failed += 1;
        failing += 1;
        sole = c.id;
      }
      if (c.outcome === 'unknown') tally.unknown += 1;
      else if (c.outcome === 'needs_review') tally.needsReview += 1;
    }
    if (failing === 1 && sole !== undefined) (t.byId.get(sole) as CriterionTally).soleFailure += 1;
  }

  error(trial: string): void {
    const t = this.trials.get(trial);
    if (!t) return;
    t.tally.rows += 1;
    t.tally.verdicts.error += 1;
  }

  result(): ScreenFailureSummary {
    return { summaryVersion: 1, rows: this.inputRows, errorRows: this.errorRows, trials: [...this.trials.values()].map((t) => t.tally) };
  }
}
