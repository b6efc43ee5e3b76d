// Ranks one patient's results across several trials: eligible first, then undetermined (fewest
// open criteria first), then ineligible (with the first failing criterion). Plain data only.
import type { CriterionResult, Missing, ScreeningResult, Trace, Verdict } from '../engine/result.js';
import { describeNode } from './describe.js';

export type OpenItem = { criterion: string; title: string; outcome: CriterionResult['outcome']; missing: Missing[]; review: string[] };
export type RankedTrial = {
  rank: number;
  trial: string;
  nct: string;
  title: string;
  completeness: 'complete' | 'partial';
  verdict: Verdict;
  openItems: OpenItem[];
  firstFailing: { criterion: string; title: string; type: 'inclusion' | 'exclusion'; reason: string } | null;
};

const VERDICT_ORDER: Record<Verdict, number> = { eligible: 0, undetermined: 1, ineligible: 2 };

export function rankResults(results: ScreeningResult[]): RankedTrial[] {
  const rows = results.map((r, index) => {
    const openItems: OpenItem[] = r.criteria
      .filter((c) => c.effect === 'open')
      .map((c) => ({
        criterion: c.id,
        title: c.title,
        outcome: c.outcome,
        missing: c.missing,
        // Every question the criterion waits for: one several criteria share (a definition's) is
        // written out where the screening lists it first, and pointed to from the others.
        review: c.review
          .filter((x) => x.status === 'open')
          .map((x) => {
            const first = r.review.find((y) => y.id === x.id)?.criterion ?? c.id;
            return first === c.id ? x.question : `see ${first} (${x.id})`;
          }),
      }));
    const failing = r.criteria.find((c) => c.effect === 'fails');
    return {
      index,
      row: {
        rank: 0,
        trial: r.trial.id,
        nct: r.trial.nct,
        title: r.trial.title,
        completeness: r.trial.completeness,
        verdict: r.verdict,
        openItems: r.verdict === 'undetermined' ? openItems : [],
        firstFailing: failing ? { criterion: failing.id, title: failing.title, type: failing.type, reason: failReason(failing.trace) } : null,
      } satisfies RankedTrial,
    };
  });
  rows.sort((a, b) => VERDICT_ORDER[a.row.verdict] - VERDICT_ORDER[b.row.verdict] || a.row.openItems.length - b.row.openItems.length || a.index - b.index);
  return rows.map((x, i) => ({ ...x.row, rank: i + 1 }));
}

/** The node(s) that decide a failing criterion: the evidence a coordinator needs first. */
export function failReason(t: Trace): string {
  const kids = t.children ?? [];
  if (t.kind === 'not' && kids[0]) return failReason(kids[0]);
  if (t.kind === 'calc' || t.kind === 'atLeast' || t.kind === 'count' || t.kind === 'forAll' && t.outcome === 'met' || kids.length === 0) return describeNode(t);
  if (t.kind === 'all' && t.outcome === 'met') return kids.map(failReason).join('; ');
  const next = kids.find((c) => c.outcome === t.outcome);
  return next ? failReason(next) : describeNode(t);
}

/** 0 if any trial is eligible, 3 if none is but some are undetermined, 1 if all are ineligible. */
export function overallExit(verdicts: Verdict[]): 0 | 1 | 3 {
  if (verdicts.includes('eligible')) return 0;
  if (verdicts.includes('undetermined')) return 3;
  return 1;
}
