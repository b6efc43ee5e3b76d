// Formatters for one patient screened against several trials: every trial's own report, then
// the ranked summary; the JSON form carries the same ranking next to each full report.
import { Chalk } from 'chalk';
import type { ScreeningResult } from '../engine/result.js';
import { OUTCOME_WORDS, VERDICT_WORDS } from './describe.js';
import { missingText } from './missing-words.js';
import { REPORT_SCHEMA_VERSION, toJsonReport, type JsonReportOptions } from './json.js';
import { formatText, type TextOptions } from './text.js';
import { overallExit, rankResults, type RankedTrial } from './ranking.js';

export function formatRankingText(ranking: RankedTrial[], patientId: string | null, color: boolean): string {
  const ch = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [ch.bold(`Summary: ${ranking.length} trial${ranking.length === 1 ? '' : 's'} for patient ${patientId ?? '(no id)'}, best first`)];
  for (const r of ranking) {
    const tone = r.verdict === 'eligible' ? ch.green.bold : r.verdict === 'ineligible' ? ch.red.bold : ch.yellow.bold;
    const partial = r.completeness === 'partial' ? ' [partial encoding]' : '';
    let why = '';
    if (r.verdict === 'undetermined') why = ` — ${r.openItems.length} open criteri${r.openItems.length === 1 ? 'on' : 'a'}`;
    if (r.verdict === 'ineligible' && r.firstFailing) {
      const f = r.firstFailing;
      why = ` — first failing: ${f.criterion} ${f.title} (${f.type === 'exclusion' ? 'exclusion applies' : 'not met'}): ${f.reason}`;
    }
    out.push(`  ${r.rank}. ${r.trial} (${r.nct})${partial}: ${tone(VERDICT_WORDS[r.verdict])}${why}`);
    for (const o of r.openItems) {
      out.push(`       - ${o.criterion} ${o.title} — ${OUTCOME_WORDS[o.outcome]}`);
      if (o.missing.length) out.push(`           collect: ${o.missing.map(missingText).join(', ')}`);
      for (const q of o.review) out.push(`           decide: ${q}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatMultiText(results: ScreeningResult[], options: TextOptions): string {
  const rule = '═'.repeat(78);
  const parts = results.map((r) => formatText(r, options));
  return `${parts.join(`\n${rule}\n\n`)}\n${rule}\n\n${formatRankingText(rankResults(results), results[0]?.patientId ?? null, options.color)}`;
}

export function toMultiJsonReport(
  results: ScreeningResult[],
  options: JsonReportOptions,
) {
  const ranking = rankResults(results);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'multi-trial' as const,
    tool: options.tool,
    generatedAt: options.generatedAt ?? null,
    input: options.input ?? null,
    patientId: results[0]?.patientId ?? null,
    exitCode: overallExit(results.map((r) => r.verdict)),
    ranking,
    reports: ranking.map((row) => toJsonReport(results.find((r) => r.trial.id === row.trial) as ScreeningResult, options)),
  };
}

export function formatMultiJson(results: ScreeningResult[], options: Parameters<typeof toMultiJsonReport>[1]): string {
  return `${JSON.stringify(toMultiJsonReport(results, options), null, 2)}\n`;
}
