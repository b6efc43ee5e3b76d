// The machine-readable report: a documented, versioned shape. Bump REPORT_SCHEMA_VERSION on any
// incompatible change.
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { ScreeningResult, Trace } from '../engine/result.js';
import { describeNode, traceLines } from './describe.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { itemWords, wordedFact } from './fact-words.js';
import { missingPhrase } from './missing-label.js';
import { reasonsOf } from './reason.js';

export const REPORT_SCHEMA_VERSION = 3;

export type JsonReportOptions = {
  tool: { name: string; version: string };
  /** The patient file as read: its name and the SHA-256 of its bytes (the CLI always gives it). */
  input?: { name: string; sha256: string };
  /** ISO 8601 UTC time of the report (--generated-at, SOURCE_DATE_EPOCH, else the clock). */
  generatedAt?: string;
  referenceDateSources?: Partial<Record<string, ReferenceDateSource>>;
  /** The data dictionary: the labels of the values to collect (without it, their paths). */
  dictionary?: Dictionary;
};

type WordedFact = ReturnType<typeof wordedFact>;

function allFacts(t: Trace, out: WordedFact[] = []): WordedFact[] {
  for (const f of t.facts.map(wordedFact)) if (!out.some((g) => g.field === f.field && g.label === f.label)) out.push(f);
  for (const c of t.children ?? []) allFacts(c, out);
  return out;
}

/** The trace as published: every fact with its label in words (a role such as a lab's ULN worded). */
function wordedTrace(t: Trace): Omit<Trace, 'facts' | 'children' | 'detail'> & { detail?: unknown; facts: WordedFact[]; children?: unknown[] } {
  // A list record is published by its name in words: { item, index, applies }.
  const detail = t.kind === 'item' && t.detail ? { detail: { item: itemWords(t.detail), index: t.detail.index, applies: t.detail.applies } } : {};
  return { ...t, ...detail, facts: t.facts.map(wordedFact), ...(t.children ? { children: t.children.map(wordedTrace) } : {}) };
}

/** How many criteria pass, fail and are open: what the verdict rests on (raw outcomes sit beside it). */
export function effectCounts(result: ScreeningResult): { passes: number; fails: number; open: number } {
  const counts = { passes: 0, fails: 0, open: 0 };
  for (const c of result.criteria) counts[c.effect] += 1;
  return counts;
}

/** The record an imported value came from: the provenance entry for the fact's path or the nearest enclosing one. */
export function sourceOf(field: string, provenance: Record<string, string> | undefined): string | undefined {
  if (!provenance) return undefined;
  let path = field;
  for (;;) {
    if (Object.hasOwn(provenance, path)) return provenance[path];
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) return undefined;
    path = path.slice(0, cut);
  }
}

function withSource(f: WordedFact, provenance: Record<string, string> | undefined): WordedFact & { source?: string } {
  const source = sourceOf(f.field, provenance);
  return source ? { ...f, source } : f;
}

export function toJsonReport(result: ScreeningResult, options: JsonReportOptions) {
  const reasons = reasonsOf(result, options.dictionary);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: options.tool,
    generatedAt: options.generatedAt ?? null,
    input: options.input ?? null,
    trial: result.trial,
    patientId: result.patientId,
    referenceDates: result.referenceDates,
    referenceDateSources: options.referenceDateSources ?? {},
    verdict: result.verdict,
    counts: { ...effectCounts(result), outcomes: result.counts },
    criteria: result.criteria.map((c, i) => ({
      id: c.id,
      kind: c.type,
      title: c.title,
      source: c.source,
      ...(c.note ? { note: c.note } : {}),
      outcome: c.outcome,
      effect: c.effect,
      reason: reasons[i],
      explanation: traceLines(c.trace, { full: false }).map((l) => `${'  '.repeat(l.depth)}${l.outcome}: ${l.text}`).join('\n'),
      summary: describeNode(c.trace),
      facts: allFacts(c.trace).map((f) => withSource(f, result.provenance)),
      missing: c.missing,
      review: c.review,
      trace: wordedTrace(c.trace),
    })),
    // `label` in words with what the value must hold; `need` the same as data.
    missing: result.missing.map((m) => ({ field: m.field, ...(m.need ? { need: m.need } : {}), label: missingPhrase(m, options.dictionary), criteria: m.criteria })),
    review: result.review,
  };
}

export function formatJson(result: ScreeningResult, options: JsonReportOptions): string {
  return `${JSON.stringify(toJsonReport(result, options), null, 2)}\n`;
}
