// IMACS preliminary Definition of Improvement (Rider et al. 2004, clinical-reference.md):
// ≥ 20% improvement in at least 3 of the 6 core set measures, no more than 2 worsened by
// ≥ 25%, and manual muscle testing not among the worsened. Measures missing at either visit
// are tried as improved, worsened and unchanged: the result is decided only if all agree.
// Two readings a protocol may leave open can be tried the same way (params `zeroBaseline` and
// `mmtMayNotWorsen` set to 'either'), and `require` says whether improvement must hold under
// every reading or under some: a criterion uses both to send a disagreement to the investigator.
import * as z from 'zod/mini';
import type { Calculator } from '../calculators.js';
import type { Fact, Missing } from '../result.js';
import { and, or, type Outcome } from '../logic.js';
import { exact, overCompletions, paramProblems } from './completions.js';
// Built on first use: a trial uses few of the calculators (IM101-611 none).
import { lazySchema } from '../../util/lazy-schema.js';

export type MeasureKey = 'pga' | 'sga' | 'mmt8' | 'haqDi' | 'enzyme' | 'extramuscularGlobal';
export const IMACS_MEASURES: { key: MeasureKey; label: string; higherIsBetter: boolean; unit?: string }[] = [
  { key: 'pga', label: 'physician global activity', higherIsBetter: false, unit: 'cm' },
  { key: 'sga', label: 'patient global activity', higherIsBetter: false, unit: 'cm' },
  { key: 'mmt8', label: 'MMT-8', higherIsBetter: true },
  { key: 'haqDi', label: 'HAQ-DI', higherIsBetter: false },
  { key: 'enzyme', label: 'most abnormal muscle enzyme', higherIsBetter: false, unit: 'U/L' },
  { key: 'extramuscularGlobal', label: 'extramuscular global activity', higherIsBetter: false, unit: 'cm' },
];

export type MeasureStatus = 'improved' | 'worsened' | 'unchanged';
export type ImacsRule = {
  improvePct: number;
  worsenPct: number;
  /** '>=': worsened by 25% or more (IMACS); '>': by more than 25% (as some protocols word it). */
  worsenedWhen: '>=' | '>';
  minImproved: number;
  maxWorsened: number;
  /** IMACS: MMT may not be one of the worsened measures. */
  mmtMayNotWorsen: boolean;
};
export const IMACS_DOI: ImacsRule = { improvePct: 20, worsenPct: 25, worsenedWhen: '>=', minImproved: 3, maxWorsened: 2, mmtMayNotWorsen: true };

/**
 * Percent change from baseline, signed so that positive is better. A baseline of 0 has no
 * percent change; this function counts any change in the better direction as improved and in
 * the worse direction as worsened (`zeroBaseline: 'asChange'`); `zeroBaselineChanged` tells the
 * calculator when that convention was used, so it can try the other reading ('unchanged').
 */
export function measureChange(baseline: number, followUp: number, higherIsBetter: boolean, rule: ImacsRule = IMACS_DOI): { status: MeasureStatus; percent: number | null } {
  const better = higherIsBetter ? followUp - baseline : baseline - followUp;
  const scale = Math.abs(baseline);
  const raw = scale === 0 ? null : exact((better / scale) * 100);
  // A vanishingly small baseline can overflow to ±Infinity: no meaningful percent to report.
  const percent = raw !== null && Number.isFinite(raw) ? raw : null;
  if (better > 0 && exact(better * 100) >= exact(rule.improvePct * scale)) return { status: 'improved', percent };
  if (better < 0) {
    const worse = exact(-better * 100);
    const limit = exact(rule.worsenPct * scale);
    if (rule.worsenedWhen === '>=' ? worse >= limit : worse > limit) return { status: 'worsened', percent };
  }
  return { status: 'unchanged', percent };
}

/** A baseline of 0 that changed: the percent change is undefined and the status is a convention. */
export function zeroBaselineChanged(baseline: number, followUp: number): boolean {
  return baseline === 0 && followUp !== baseline;
}

/** The definition of improvement over the six statuses (in IMACS_MEASURES order). */
export function meetsDefinition(statuses: readonly MeasureStatus[], rule: ImacsRule = IMACS_DOI): boolean {
  const improved = statuses.filter((s) => s === 'improved').length;
  const worsened = statuses.filter((s) => s === 'worsened').length;
  const mmt = statuses[IMACS_MEASURES.findIndex((m) => m.key === 'mmt8')];
  return improved >= rule.minImproved && worsened <= rule.maxWorsened && !(rule.mmtMayNotWorsen && mmt === 'worsened');
}

const Params = lazySchema(() =>
  z.strictObject({
    improvePct: z._default(z.number().check(z.gt(0)), IMACS_DOI.improvePct),
    worsenPct: z._default(z.number().check(z.gt(0)), IMACS_DOI.worsenPct),
    worsenedWhen: z._default(z.enum(['>=', '>']), IMACS_DOI.worsenedWhen),
    minImproved: z._default(z.int().check(z.minimum(1), z.maximum(6)), IMACS_DOI.minImproved),
    maxWorsened: z._default(z.int().check(z.minimum(0), z.maximum(6)), IMACS_DOI.maxWorsened),
    /** true/false: the MMT rule applies or not; 'either': try both readings. */
    mmtMayNotWorsen: z._default(z.union([z.boolean(), z.literal('either')]), IMACS_DOI.mmtMayNotWorsen),
    /** A changed measure with a baseline of 0: 'asChange' (by its direction), 'unchanged', or 'either'. */
    zeroBaseline: z._default(z.enum(['asChange', 'unchanged', 'either']), 'asChange'),
    /** With 'either' readings: improvement must hold under every reading, or under some. */
    require: z._default(z.enum(['every', 'some']), 'every'),
  }),
);

/** A measure's value as a number, or why it cannot be used. */
function readValue(key: MeasureKey, raw: unknown): { value?: number; max?: number } {
  if (raw === undefined || raw === null) return {};
  if (key === 'mmt8') {
    const s = raw as { score?: unknown; max?: unknown };
    return typeof s.score === 'number' && typeof s.max === 'number' ? { value: s.score, max: s.max } : {};
  }
  if (key === 'enzyme') {
    const l = raw as { value?: unknown };
    return typeof l.value === 'number' ? { value: l.value } : {};
  }
  return typeof raw === 'number' ? { value: raw } : {};
}

export const imacsImprovementCalculator: Calculator<{ params: z.infer<ReturnType<typeof Params>>; rule: ImacsRule }> = {
  inputs: { fields: IMACS_MEASURES.flatMap((m) => [`imacs.baseline.${m.key}`, `imacs.followUp.${m.key}`]) },
  description: 'IMACS definition of improvement (baseline vs follow-up)',
  checkParams: (params) => paramProblems(Params(), params),
  prepare: (raw) => {
    const params = Params().parse(raw);
    return { params, rule: { ...params, mmtMayNotWorsen: params.mmtMayNotWorsen === true } };
  },
  evaluate(ctx, { params, rule }) {
    const facts: Fact[] = [];
    const missing: Missing[] = [];
    const slots: MeasureStatus[][] = [];
    /** Per measure: true when its status depends on a reading (a zero baseline). */
    const byReading: boolean[] = [];
    const zeroBaselines: string[] = [];
    const detail: Record<string, string | number | boolean | null> = {};
    const named: Record<MeasureStatus | 'notKnown', string[]> = { improved: [], worsened: [], unchanged: [], notKnown: [] };
    for (const m of IMACS_MEASURES) {
      const paths = [`imacs.baseline.${m.key}`, `imacs.followUp.${m.key}`] as const;
      const [b, f] = paths.map((p) => readValue(m.key, ctx.get(p))) as [{ value?: number; max?: number }, { value?: number; max?: number }];
      [b, f].forEach((v, i) => {
        const unit = m.key === 'mmt8' ? (v.max ? `/${v.max}` : undefined) : m.unit;
        facts.push({ field: paths[i] as string, role: { kind: 'imacsMeasure', measure: m.label, at: i === 0 ? 'baseline' : 'followUp' }, value: v.value ?? null, ...(unit ? { unit } : {}) });
      });
      const gaps: Missing[] = [b, f].flatMap((v, i) => (v.value === undefined ? [{ field: paths[i] as string }] : []));
      // MMT-8 on different scales (0–150 vs 0–80) cannot be compared as a percent change.
      if (gaps.length === 0 && m.key === 'mmt8' && b.max !== f.max) gaps.push({ field: paths[1], need: { kind: 'scale', max: b.max as number, asBaseline: true } });
      if (gaps.length) {
        missing.push(...gaps);
        slots.push(['improved', 'worsened', 'unchanged']);
        byReading.push(false);
        named.notKnown.push(m.label);
        continue;
      }
      const change = measureChange(b.value as number, f.value as number, m.higherIsBetter, rule);
      const zero = zeroBaselineChanged(b.value as number, f.value as number);
      if (zero) zeroBaselines.push(m.label);
      const status: MeasureStatus = zero && params.zeroBaseline === 'unchanged' ? 'unchanged' : change.status;
      const reading = zero && params.zeroBaseline === 'either' && status !== 'unchanged';
      slots.push(reading ? [status, 'unchanged'] : [status]);
      byReading.push(reading);
      // A measure whose status depends on the reading is named only under zeroBaselineMeasures.
      if (!reading) named[status].push(m.label);
      detail[`change.${m.key}`] = change.percent;
    }
    // Each reading (a choice for every zero-baseline measure, and for the MMT rule) is decided
    // over the completions of the missing data; the readings then combine by `require`.
    const readingSlots = slots.map((options, i) => (byReading[i] ? options.map((o) => [o]) : [options]));
    const mmtRules = params.mmtMayNotWorsen === 'either' ? [true, false] : [rule.mmtMayNotWorsen];
    const perReading: Outcome[] = [];
    for (const mmt of mmtRules) {
      overCompletions(readingSlots, (choice) => {
        perReading.push(overCompletions(choice, (statuses) => meetsDefinition(statuses, { ...rule, mmtMayNotWorsen: mmt })));
        return false;
      });
    }
    const outcome = params.require === 'every' ? and(perReading) : or(perReading);
    return {
      outcome,
      facts,
      missing,
      detail: {
        ...detail,
        improved: named.improved.join(', '),
        worsened: named.worsened.join(', '),
        notKnown: named.notKnown.join(', '),
        improvedCount: named.improved.length,
        worsenedCount: named.worsened.length,
        improvePct: rule.improvePct,
        worsenPct: rule.worsenPct,
        worsenedWhen: rule.worsenedWhen,
        minImproved: rule.minImproved,
        maxWorsened: rule.maxWorsened,
        mmtMayNotWorsen: params.mmtMayNotWorsen,
        zeroBaseline: params.zeroBaseline,
        zeroBaselineMeasures: zeroBaselines.join(', '),
        ...(params.zeroBaseline === 'either' || params.mmtMayNotWorsen === 'either' ? { require: params.require } : {}),
      },
    };
  },
};
