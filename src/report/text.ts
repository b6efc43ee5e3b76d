// The default human report: verdict first, then every criterion with the evidence behind it,
// then what to collect and what needs a person's decision. Colour is optional and never carries
// meaning alone (every mark is also a word or symbol).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Outcome } from '../engine/logic.js';
import type { CriterionResult, ScreeningResult } from '../engine/result.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import { criterionStatus, missingLabel, traceLines, VERDICT_WORDS } from './describe.js';

export type TextOptions = {
  color: boolean;
  /** Only the criterion lines, without the evidence tree. */
  brief?: boolean;
  /** Every node of the evidence tree, not only the deciding ones. */
  full?: boolean;
  referenceDateSources?: Partial<Record<string, ReferenceDateSource>>;
};

const MARK: Record<Outcome, string> = { met: '✔', not_met: '✘', unknown: '?', needs_review: '⚑' };

function paint(ch: ChalkInstance, outcome: Outcome | 'pass' | 'fail', s: string): string {
  switch (outcome) {
    case 'met':
    case 'pass':
      return ch.green(s);
    case 'not_met':
    case 'fail':
      return ch.red(s);
    case 'unknown':
      return ch.yellow(s);
    case 'needs_review':
      return ch.magenta(s);
  }
}

function effectMark(c: CriterionResult): { mark: string; tone: Outcome | 'pass' | 'fail' } {
  if (c.effect === 'passes') return { mark: '✔', tone: 'pass' };
  if (c.effect === 'fails') return { mark: '✘', tone: 'fail' };
  return { mark: MARK[c.outcome], tone: c.outcome };
}

export function formatText(result: ScreeningResult, options: TextOptions): string {
  const ch = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  const t = result.trial;
  out.push(ch.bold(`${t.id} (${t.nct}) — ${t.title}`));
  out.push(`criteria version ${t.version}${t.completeness === 'partial' ? ch.yellow(' — PARTIAL encoding') : ''}; patient ${result.patientId ?? '(no id)'}`);
  const dates = (['screening', 'consent', 'randomization'] as const)
    .map((k) => {
      const v = result.referenceDates[k];
      const src = options.referenceDateSources?.[k];
      return `${k} ${v ?? ch.yellow('not given')}${v && src ? ` (${src})` : ''}`;
    })
    .join('; ');
  out.push(`reference dates: ${dates}`);
  out.push('');
  out.push(verdictLine(result, ch));
  if (t.completeness === 'partial') out.push(ch.yellow(`Only part of this trial's criteria is encoded: ${t.completenessNote ?? 'check the full protocol.'}`));
  for (const type of ['inclusion', 'exclusion'] as const) {
    const list = result.criteria.filter((c) => c.type === type);
    if (!list.length) continue;
    out.push('');
    out.push(ch.bold(type === 'inclusion' ? 'Inclusion criteria' : 'Exclusion criteria'));
    for (const c of list) {
      const { mark, tone } = effectMark(c);
      out.push(`${paint(ch, tone, mark)} ${ch.bold(c.id)} ${c.title} — ${paint(ch, tone, criterionStatus(c))}`);
      if (options.brief) continue;
      if (c.note) out.push(`    ${ch.dim(`Interpretation: ${c.note}`)}`);
      for (const line of traceLines(c.trace, { full: options.full ?? false })) {
        out.push(`${'    '.repeat(line.depth + 1)}${paint(ch, line.outcome, MARK[line.outcome])} ${line.text}`);
      }
    }
  }
  if (result.missing.length) {
    out.push('');
    out.push(ch.bold('Data to collect'));
    for (const m of result.missing) out.push(`  - ${missingLabel(m.field, m.label)} — for ${m.criteria.join(', ')}`);
  }
  if (result.review.length) {
    out.push('');
    out.push(ch.bold('Review items (a person must decide)'));
    for (const r of result.review) {
      out.push(`  - ${r.criterion} [${r.by}] ${r.question}`);
      out.push(`      record as reviews."${r.trial}"."${r.id}": {"decision": "yes"|"no", "by": "...", "date": "YYYY-MM-DD"}`);
    }
  }
  const sources = Object.entries(result.provenance ?? {});
  if (sources.length && !options.brief) {
    out.push('');
    out.push(ch.bold('Imported values and their source records'));
    for (const [path, source] of sources) out.push(`  - ${path}: ${source}`);
  }
  out.push('');
  out.push(verdictLine(result, ch));
  return `${out.join('\n')}\n`;
}

export function verdictLine(result: ScreeningResult, ch: ChalkInstance = new Chalk({ level: 0 })): string {
  const w = VERDICT_WORDS[result.verdict];
  const failing = result.criteria.filter((c) => c.effect === 'fails').map((c) => c.id);
  const unknown = result.criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id);
  const review = result.criteria.filter((c) => c.outcome === 'needs_review').map((c) => c.id);
  let why = '';
  if (result.verdict === 'ineligible') why = `fails ${failing.join(', ')}`;
  else if (result.verdict === 'undetermined') {
    const parts = [];
    if (unknown.length) parts.push(`unknown: ${unknown.join(', ')}`);
    if (review.length) parts.push(`needs review: ${review.join(', ')}`);
    why = parts.join('; ');
  } else why = 'every criterion passes';
  const tone = result.verdict === 'eligible' ? ch.green.bold : result.verdict === 'ineligible' ? ch.red.bold : ch.yellow.bold;
  return `${tone(`Verdict: ${w}`)} (${why})`;
}
