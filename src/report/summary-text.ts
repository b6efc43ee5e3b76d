// The screen-failure summary as a plain-text table for stderr at the end of a batch.
import type { ScreenFailureSummary } from '../batch/screen-failure-summary.js';

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

/** "12 (34%)": a count with its share of the trial's rows (whole percent, "<1%" for a few). */
export function withPercent(n: number, of: number): string {
  if (of === 0) return String(n);
  const pct = (n / of) * 100;
  const shown = n > 0 && pct < 1 ? '<1' : String(Math.round(pct));
  return `${n} (${shown}%)`;
}

export function formatSummaryText(summary: ScreenFailureSummary): string {
  const lines: string[] = [];
  lines.push(`Screen-failure summary: ${summary.rows} input row${summary.rows === 1 ? '' : 's'}, ${summary.errorRows} with errors`);
  for (const t of summary.trials) {
    const v = t.verdicts;
    lines.push('');
    const p = (n: number) => withPercent(n, t.rows);
    // (Rows with errors were not screened: the count says so, and they are their own share.)
    const rows = `${t.rows} row${t.rows === 1 ? '' : 's'}${v.error ? `, ${t.rows - v.error}` : ''} screened`;
    lines.push(`${t.trial}: ${rows}; eligible ${p(v.eligible)}, ineligible ${p(v.ineligible)}, undetermined ${p(v.undetermined)}, error ${p(v.error)}`);
    if (t.encoding === 'partial') lines.push(`  PARTIAL encoding: ${t.encodingNote ?? 'only part of the protocol criteria is encoded; check the full protocol.'}`);
    const width = Math.max(9, ...t.criteria.map((c) => c.id.length));
    const cells = t.criteria.map((c) => [c.failed, c.soleFailure, c.unknown, c.needsReview].map(p));
    const w = Math.max(7, ...cells.flat().map((x) => x.length));
    lines.push(`  ${pad('criterion', width)}  ${pad('failed', w, true)}  ${pad('only', w, true)}  ${pad('unknown', w, true)}  ${pad('review', w, true)}  title`);
    t.criteria.forEach((c, i) => {
      lines.push(`  ${pad(c.id, width)}  ${(cells[i] as string[]).map((x) => pad(x, w, true)).join('  ')}  ${c.title}`);
    });
  }
  lines.push('');
  lines.push('failed: rows this criterion makes ineligible; only: rows where it is the sole failing criterion;');
  lines.push('unknown: rows with data missing for it; review: rows waiting for a recorded review decision on it.');
  lines.push('Percentages are of all the rows for that trial, rows with errors included.');
  return `${lines.join('\n')}\n`;
}
