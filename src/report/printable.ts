// The content of the printable screening checklist (HTML and Markdown), as plain strings built from
// describe.ts, so both formats say exactly the same things and only differ in markup and escaping.
import { compareDates } from '../engine/dates.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { Outcome } from '../engine/logic.js';
import type { CriterionResult, ScreeningResult } from '../engine/result.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { criterionStatus, decidingReviewIds, decisionMeaning, traceLines, type TraceLine } from './describe.js';
import { andList } from './fact-words.js';
import { collectSteps, openItemsNote, reviewSteps } from './next-steps.js';
import { reasonsOf } from './reason.js';
import { reasonWords } from './reason-words.js';
import { verdictLine } from './text.js';

export type PrintableOptions = {
  tool: { name: string; version: string };
  /** ISO 8601 UTC time printed in the audit footer; fixed by the caller for reproducible output. */
  generatedAt: string;
  /** The date of the run ("today"): a screening date after it is said on the record. */
  today?: string;
  /** Per result, where each reference date came from. */
  referenceDateSources?: Partial<Record<string, ReferenceDateSource>>[];
  /** --full: an appendix with every node of every evidence tree. */
  full?: boolean;
  /** The patient file and the SHA-256 of its bytes, for the audit footer. */
  input?: { name: string; sha256: string };
  /** Who screened the patient (--screener); else a blank line to fill in. */
  screener?: string;
  /** Questions and sections for the data to collect. */
  dictionary?: Dictionary;
};

export type PrintableCriterion = {
  id: string;
  title: string;
  status: string;
  /** The mark shown before the status: the effect on eligibility, or the open outcome. */
  tone: 'pass' | 'fail' | 'unknown' | 'review';
  /** The protocol text, whitespace collapsed. */
  source: string;
  /** How the source was interpreted, when the criteria file says. */
  note?: string;
  /** The deciding facts (or what an open criterion waits for), in words. */
  facts: string[];
  /** The evidence tree: only with --full (the appendix). */
  evidence: TraceLine[];
};

export type PrintableTrial = {
  heading: string;
  patientId: string;
  criteriaLine: string;
  partialWarning?: string;
  /** The screening date is after the date of the record: screened ahead, on the values recorded so far. */
  aheadWarning?: string;
  referenceDates: { name: string; date: string; source: string }[];
  verdict: ScreeningResult['verdict'];
  verdictText: string;
  /** Undetermined: the record is provisional until the open items are settled. */
  provisional: boolean;
  sections: { title: string; criteria: PrintableCriterion[] }[];
  review: { criterion: string; by: string; who: string; question: string; recordAs: string }[];
  collect: { field: string; criteria: string; question?: string; where?: string }[];
  /** Ineligible with items open: why none of them can change the verdict (they are then not put as tasks). */
  openNote?: string;
  /** Every decision recorded, in words, with who, when and the note given: what the signers rely on. */
  decisions: string[];
  screener?: string;
  attestation: string;
  audit: string[];
};

export const MARKS: Record<PrintableCriterion['tone'], string> = { pass: '✔', fail: '✘', unknown: '?', review: '⚑' };
export const LINE_MARKS: Record<Outcome, string> = { met: '✔', not_met: '✘', unknown: '?', needs_review: '⚑' };

function tone(c: CriterionResult): PrintableCriterion['tone'] {
  if (c.effect === 'passes') return 'pass';
  if (c.effect === 'fails') return 'fail';
  return c.outcome === 'needs_review' ? 'review' : 'unknown';
}

export function printableTrial(result: ScreeningResult, options: PrintableOptions, index = 0): PrintableTrial {
  const t = result.trial;
  const sources = options.referenceDateSources?.[index] ?? {};
  const reasons = reasonsOf(result, options.dictionary);
  const sections = (['inclusion', 'exclusion'] as const)
    .map((type) => ({
      title: type === 'inclusion' ? 'Inclusion criteria' : 'Exclusion criteria',
      criteria: result.criteria
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => c.type === type)
        .map(({ c, i }) => {
          const { parts, hidden } = reasonWords(reasons[i] as NonNullable<(typeof reasons)[number]>, 3, c.title, true);
          const facts = hidden ? [...parts, `+${hidden} more ${c.effect === 'passes' ? 'passing' : 'deciding'} fact${hidden === 1 ? '' : 's'}${options.full ? ' (appendix)' : ''}`] : parts;
          return {
            id: c.id,
            title: c.title,
            status: criterionStatus(c),
            tone: tone(c),
            source: c.source.replace(/\s+/g, ' ').trim(),
            ...(c.note ? { note: c.note } : {}),
            facts,
            evidence: options.full ? traceLines(c.trace, { full: true }) : [],
          };
        }),
    }))
    .filter((s) => s.criteria.length > 0);
  const provisional = result.verdict === 'undetermined';
  const screening = result.referenceDates.screening;
  const ahead =
    options.today !== undefined && screening !== undefined && compareDates(screening, options.today) > 0
      ? `Screened ahead: the screening date ${screening} is after the day this record was made (${options.today}). Ages, windows and durations are reckoned on ${screening} from the values recorded by ${options.today}; screen again on the day if any may change by then.`
      : undefined;
  return {
    heading: `${t.id} (${t.nct}) — ${t.title}`,
    patientId: result.patientId ?? '(no id in the patient file)',
    criteriaLine: `criteria version ${t.version}${t.completeness === 'partial' ? ' (partial encoding)' : ''}`,
    ...(t.completeness === 'partial' ? { partialWarning: `Only part of this trial's criteria is encoded: ${t.completenessNote ?? 'check the full protocol.'}` } : {}),
    ...(ahead ? { aheadWarning: ahead } : {}),
    referenceDates: (['screening', 'consent', 'randomization'] as const).map((name) => ({
      name,
      date: result.referenceDates[name] ?? 'not given',
      source: result.referenceDates[name] ? (sources[name] ?? '') : '',
    })),
    verdict: result.verdict,
    verdictText: `${verdictLine(result)}${provisional ? ' — PROVISIONAL until the open items below are settled' : ''}`,
    provisional,
    sections,
    review: reviewSteps(result).map((r) => ({ criterion: r.criterion, by: r.by, who: r.who, question: r.question, recordAs: r.record })),
    collect: collectSteps(result, options.dictionary).map((m) => ({ field: m.label, criteria: m.criteria.join(', '), ...(m.question ? { question: m.question } : {}), ...(m.where ? { where: m.where } : {}) })),
    ...(openItemsNote(result) ? { openNote: openItemsNote(result) } : {}),
    decisions: recordedDecisions(result),
    ...(options.screener ? { screener: options.screener } : {}),
    attestation: provisional
      ? `I have reviewed this provisional screening record for patient ${result.patientId ?? '(no id)'} against trial ${t.id}. It is not an eligibility decision until every open item above is settled and the record is screened again.`
      : `I have reviewed this screening record for patient ${result.patientId ?? '(no id)'} against trial ${t.id} (criteria version ${t.version}) and confirm that the patient is ${result.verdict.toUpperCase()}, for the reasons shown.`,
    audit: [
      `Generated by ${options.tool.name} ${options.tool.version} at ${options.generatedAt}`,
      `Criteria ${t.id} version ${t.version}, SHA-256 ${t.sha256}`,
      ...(options.input ? [`Patient file ${options.input.name}, SHA-256 ${options.input.sha256}`] : []),
    ],
  };
}

/**
 * "I5 (I5-investigator): investigator: active disease … — Dr A (PI), 2026-11-16: "note"", one per
 * recorded decision, criteria in report order. A decision off the deciding path of every criterion
 * that reads it (the part the trace leaves out as not changing the result) says it is not used, so
 * its meaning is never read as settling a criterion.
 */
export function recordedDecisions(result: ScreeningResult): string[] {
  const deciding = result.criteria.map((c) => decidingReviewIds(c.trace));
  const seen = new Set<string>();
  return result.criteria.flatMap((c) =>
    c.review
      .filter((r) => r.status !== 'open' && !seen.has(r.id) && seen.add(r.id))
      .map((r) => {
        const readers = result.criteria.filter((x) => x.review.some((y) => y.id === r.id && y.status !== 'open'));
        const used = result.criteria.some((x, i) => readers.includes(x) && deciding[i]?.has(r.id));
        const unused = used ? '' : `, not used (it does not change the result of ${andList(readers.map((x) => x.id))})`;
        return `${c.id} (${r.id})${unused}: ${decisionMeaning({ by: r.by, decision: r.status === 'confirmed' ? 'yes' : 'no', yesMeans: r.yesMeans, noMeans: r.noMeans })} — ${r.decidedBy ?? 'who not recorded'}, ${r.decidedOn ?? 'date not recorded'}${r.note ? `: "${r.note}"` : ''}`;
      }),
  );
}

export const SIGNATURE_ROLES = ['Screened by (site coordinator)', 'Reviewed by (investigator)'] as const;
/** The name printed on a signature line: the screener's (--screener) on the first; the others blank. */
export function signatureName(role: (typeof SIGNATURE_ROLES)[number], p: { screener?: string }): string | undefined {
  return role === SIGNATURE_ROLES[0] ? p.screener : undefined;
}
