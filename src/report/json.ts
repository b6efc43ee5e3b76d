// The machine-readable report: a documented, versioned shape. Bump REPORT_SCHEMA_VERSION on any
// incompatible change.
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { Fact, ScreeningResult, Trace } from '../engine/result.js';
import { describeNode, traceLines } from './describe.js';

export const REPORT_SCHEMA_VERSION = 1;

export type JsonReportOptions = {
  tool: { name: string; version: string };
  referenceDateSources?: Partial<Record<string, ReferenceDateSource>>;
};

function allFacts(t: Trace, out: Fact[] = []): Fact[] {
  for (const f of t.facts) if (!out.some((g) => g.field === f.field && g.label === f.label)) out.push(f);
  for (const c of t.children ?? []) allFacts(c, out);
  return out;
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

function withSource(f: Fact, provenance: Record<string, string> | undefined): Fact & { source?: string } {
  const source = sourceOf(f.field, provenance);
  return source ? { ...f, source } : f;
}

export function toJsonReport(result: ScreeningResult, options: JsonReportOptions) {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: options.tool,
    trial: result.trial,
    patientId: result.patientId,
    referenceDates: result.referenceDates,
    referenceDateSources: options.referenceDateSources ?? {},
    verdict: result.verdict,
    counts: result.counts,
    criteria: result.criteria.map((c) => ({
      id: c.id,
      kind: c.type,
      title: c.title,
      source: c.source,
      ...(c.note ? { note: c.note } : {}),
      outcome: c.outcome,
      effect: c.effect,
      explanation: traceLines(c.trace, { full: false }).map((l) => `${'  '.repeat(l.depth)}${l.outcome}: ${l.text}`).join('\n'),
      summary: describeNode(c.trace),
      facts: allFacts(c.trace).map((f) => withSource(f, result.provenance)),
      missing: c.missing,
      review: c.review,
      trace: c.trace,
    })),
    missing: result.missing,
    review: result.review,
  };
}

export function formatJson(result: ScreeningResult, options: JsonReportOptions): string {
  return `${JSON.stringify(toJsonReport(result, options), null, 2)}\n`;
}
