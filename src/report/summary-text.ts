// The screen-failure summary as a plain-text table for stderr at the end of a batch.
import type { ScreenFailureSummary } from '../batch/screen-failure-summary.js';

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

export function formatSummaryText(summary: ScreenFailureSummary): string {
  const lines: string[] = [];
  lines.push(`Screen-failure summary: ${summary.rows} input row${summary.rows === 1 ? '' : 's'}, ${summary.errorRows} with errors`);
  for (const t of summary.trials) {
    const v = t.verdicts;
    lines.push('');
    lines.push(`${t.trial}: ${t.rows} screened; eligible ${v.eligible}, ineligible ${v.ineligible}, undetermined ${v.undetermined}, error ${v.error}`);
    if (t.encoding === 'partial') lines.push(`  PARTIAL encoding: ${t.encodingNote ?? 'only part of the protocol criteria is encoded; check the full protocol.'}`);
    const width = Math.max(9, ...t.criteria.map((c) => c.id.length));
    lines.push(`  ${pad('criterion', width)}  ${pad('failed', 7, true)}  ${pad('only', 7, true)}  ${pad('unknown', 7, true)}  ${pad('review', 7, true)}  title`);
    for (const c of t.criteria) {
      lines.push(`  ${pad(c.id, width)}  ${pad(c.failed, 7, true)}  ${pad(c.soleFailure, 7, true)}  ${pad(c.unknown, 7, true)}  ${pad(c.needsReview, 7, true)}  ${c.title}`);
    }
  }
  lines.push('');
  lines.push('failed: rows this criterion makes ineligible; only: rows where it is the sole failing criterion;');
  lines.push('unknown: rows with data missing for it; review: rows waiting for a recorded review decision on it.');
  return `${lines.join('\n')}\n`;
}
