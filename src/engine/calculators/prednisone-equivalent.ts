// Prednisone-equivalent glucocorticoid dose per kg of body weight per day, compared with a
// threshold (NCT04946669: "< 1 mg/kg/day"). A dose history in mg/day is converted with the
// standard anti-inflammatory equivalence table (GLUCOCORTICOID_EQUIVALENTS, sources in
// docs/trials.md); a steroid outside the table needs its prednisone equivalent recorded. The
// deflazacort ratio can be set per rule (params.deflazacortRatio) to read a criterion under the
// published ratios.
import * as z from 'zod/mini';
import type { Calculator } from '../calculators.js';
import { drugIdentity, drugRef, takenOn } from '../medication.js';
import { compareDates } from '../dates.js';
import type { Outcome } from '../logic.js';
import type { Fact, Missing } from '../result.js';
import { atParamDate, exact, paramProblems } from './completions.js';
// Built on first use: a trial uses few of the calculators (IM101-611 none).
import { lazySchema } from '../../util/lazy-schema.js';

const Params = lazySchema(() =>
  z.strictObject({
    op: z.enum(['<', '<=', '>', '>=']),
    mgPerKgPerDay: z.number().check(z.gt(0)),
    at: z._default(z.enum(['screening', 'consent', 'randomization']), 'screening'),
    /** mg of deflazacort per mg of prednisone (default the conventional 1.2; the ratio is disputed). */
    deflazacortRatio: z.optional(z.number().check(z.gt(0))),
  }),
);

type Med = {
  drug?: string;
  otherName?: string;
  class?: string;
  start?: string;
  stop?: string;
  ongoing?: boolean;
  prednisoneEquivalentMgPerDay?: number;
  doses?: { date: string; dose?: number; unit?: string }[];
};


/**
 * mg of each glucocorticoid equivalent in anti-inflammatory effect to 5 mg of prednisone: the
 * standard table (prednisone 5 = prednisolone 5 = methylprednisolone 4 = dexamethasone 0.75 =
 * hydrocortisone 20) and deflazacort 6 (the conventional 1.2 : 1 ratio). Sources: docs/trials.md.
 */
export const GLUCOCORTICOID_EQUIVALENTS: Readonly<Record<string, number>> = {
  prednisone: 5,
  prednisolone: 5,
  methylprednisolone: 4,
  dexamethasone: 0.75,
  hydrocortisone: 20,
  deflazacort: 6,
};

/** `mg` of `drug` as prednisone mg (undefined for a drug outside the table). */
export function toPrednisoneMg(drug: string | undefined, mg: number, deflazacortRatio?: number): number | undefined {
  if (drug === 'deflazacort' && deflazacortRatio !== undefined) return exact(mg / deflazacortRatio);
  const equivalent = drug !== undefined && Object.hasOwn(GLUCOCORTICOID_EQUIVALENTS, drug) ? GLUCOCORTICOID_EQUIVALENTS[drug] : undefined;
  return equivalent === undefined ? undefined : exact((mg * 5) / equivalent);
}

/** Where a prednisone-equivalent dose came from, for the report. */
export type DoseSource = { mgPerDay: number; from: 'table'; drugMgPerDay: number } | { mgPerDay: number; from: 'recorded' };

/**
 * The prednisone-equivalent mg/day of one corticosteroid on `date`, if the record gives it. A drug
 * in the table is converted from its dose history in mg/day only: the hand-typed equivalent
 * (undated, unchecked) is ignored, and without the doses the answer is undefined (collect the
 * doses). Only a steroid outside the table uses the recorded equivalent.
 */
export function prednisoneEquivalentDose(med: Med, date: string, deflazacortRatio?: number): DoseSource | undefined {
  if (inTable(med.drug)) {
    const current = (med.doses ?? []).filter((d) => compareDates(d.date, date) <= 0).sort((a, b) => compareDates(a.date, b.date)).at(-1);
    // A dose entry without an amount ("unchanged since") gives no amount to convert.
    const converted = current && current.unit === 'mg/day' && current.dose !== undefined ? toPrednisoneMg(med.drug, current.dose, deflazacortRatio) : undefined;
    return converted !== undefined && current && current.dose !== undefined ? { mgPerDay: converted, from: 'table', drugMgPerDay: current.dose } : undefined;
  }
  const summary = typeof med.prednisoneEquivalentMgPerDay === 'number' ? med.prednisoneEquivalentMgPerDay : undefined;
  return summary === undefined ? undefined : { mgPerDay: summary, from: 'recorded' };
}

const inTable = (drug: string | undefined): boolean => drug !== undefined && Object.hasOwn(GLUCOCORTICOID_EQUIVALENTS, drug);

export function prednisoneEquivalentMgPerDay(med: Med, date: string): number | undefined {
  return prednisoneEquivalentDose(med, date)?.mgPerDay;
}

/**
 * The comparison over the range of totals the record allows: [low, high] mg/day (high may be
 * Infinity when a dose is not recorded). Decided only when the whole range agrees.
 */
export function compareDoseRange(low: number, high: number, weightKg: number, op: '<' | '<=' | '>' | '>=', mgPerKg: number): Outcome {
  const limit = exact(mgPerKg * weightKg);
  const test = (v: number) => (op === '<' ? v < limit : op === '<=' ? v <= limit : op === '>' ? v > limit : v >= limit);
  const lo = test(exact(low));
  const hi = test(high === Infinity ? Infinity : exact(high));
  if (lo && hi) return 'met';
  if (!lo && !hi) return 'not_met';
  return 'unknown';
}

export const prednisoneEquivalentPerKgCalculator: Calculator<z.infer<ReturnType<typeof Params>>> = {
  inputs: { fields: ['demographics.weightKg'], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'doses', 'prednisoneEquivalentMgPerDay'] } },
  dates: atParamDate,
  description: 'Prednisone-equivalent glucocorticoid dose per kg per day',
  checkParams: (params) => paramProblems(Params(), params),
  prepare: (raw) => Params().parse(raw),
  evaluate(ctx, params) {
    const facts: Fact[] = [];
    const missing: Missing[] = [];
    const date = ctx.referenceDate(params.at);
    const weight = ctx.get('demographics.weightKg');
    facts.push({ field: 'demographics.weightKg', role: { kind: 'bodyWeight' }, value: typeof weight === 'number' ? weight : null, unit: 'kg' });
    if (typeof weight !== 'number') missing.push({ field: 'demographics.weightKg' });
    if (!date) missing.push({ field: `referenceDates.${params.at}` });
    const meds = ctx.get('medications');
    if (!Array.isArray(meds)) missing.push({ field: 'medications' });
    const base = { op: params.op, mgPerKgPerDay: params.mgPerKgPerDay, at: params.at, date: date ?? null, ...(params.deflazacortRatio !== undefined ? { deflazacortRatio: params.deflazacortRatio } : {}) };
    if (typeof weight !== 'number' || !date || !Array.isArray(meds)) return { outcome: 'unknown', facts, missing, detail: base };

    let low = 0;
    let high = 0;
    // Records of one glucocorticoid taken on the date (the patient reader keeps two that overlap
    // unless they are the same dates, or one continues the other at its dose) are the same course
    // entered twice or doses taken together, which the record does not say: that drug's daily dose
    // is read from the smallest record's (one course; 0 when none is certainly taken) to their sum
    // (doses together), and its total is asked for when that range decides nothing. Different
    // glucocorticoids are added.
    /** The drug a record is (a record whose drug is not recorded: itself). */
    const drugOf = (med: Med, i: number) => drugIdentity(med) ?? `#${i}`;
    const takenBy = new Map<string, number[]>();
    (meds as Med[]).forEach((med, i) => {
      if (med.class === 'corticosteroid' && takenOn(med, date) !== 'not_met') takenBy.set(drugOf(med, i), [...(takenBy.get(drugOf(med, i)) ?? []), i]);
    });
    const sameDrug = new Set([...takenBy.values()].filter((is) => is.length > 1).flat());
    // Per drug with several records maybe taken: the smallest dose (0 for one not recorded), and whether one is certainly taken.
    const sameDrugLow = new Map<string, number>();
    const sameDrugTaken = new Set<string>();
    (meds as Med[]).forEach((med, i) => {
      const path = `medications[${i}]`;
      if (med.class === undefined || med.class === null) {
        // Cannot tell whether it is a glucocorticoid: its dose could count.
        missing.push({ field: `${path}.class` });
        high = Infinity;
        return;
      }
      if (med.class !== 'corticosteroid') return;
      const on = takenOn(med, date);
      if (on === 'not_met') return;
      if (on === 'unknown') missing.push({ field: med.start ? `${path}.stop` : `${path}.start` });
      const source = prednisoneEquivalentDose(med, date, params.deflazacortRatio);
      const key = drugOf(med, i);
      if (sameDrug.has(i)) sameDrugLow.set(key, Math.min(sameDrugLow.get(key) ?? Infinity, source?.mgPerDay ?? 0));
      if (sameDrug.has(i) && on === 'met') sameDrugTaken.add(key);
      if (source === undefined) {
        // A dose history in mg/day for a drug in the table is what to collect; otherwise the equivalent.
        missing.push({ field: inTable(med.drug) ? `${path}.doses` : `${path}.prednisoneEquivalentMgPerDay` });
        high = Infinity;
      } else {
        const dose = source.mgPerDay;
        if (sameDrug.has(i)) missing.push({ field: source.from === 'table' ? `${path}.doses` : `${path}.prednisoneEquivalentMgPerDay`, need: { kind: 'dailyTotal', date } });
        const role = {
          kind: 'prednisoneDose' as const,
          drug: drugRef(med, i, ctx.drugLabel),
          from: source.from === 'table' ? ('table' as const) : ('recorded' as const),
          ...(source.from === 'table' && med.drug !== 'prednisone' ? { drugMgPerDay: source.drugMgPerDay } : {}),
          ...(on === 'unknown' ? { ifStillTaken: true as const } : {}),
        };
        facts.push({ field: source.from === 'table' ? `${path}.doses` : `${path}.prednisoneEquivalentMgPerDay`, role, value: dose, unit: 'mg/day' });
        if (on === 'met' && !sameDrug.has(i)) low += dose;
        high += dose;
      }
    });
    for (const [key, dose] of sameDrugLow) if (sameDrugTaken.has(key)) low += dose;
    const outcome = compareDoseRange(low, high, weight, params.op, params.mgPerKgPerDay);
    return {
      outcome,
      facts,
      missing,
      detail: {
        ...base,
        totalMgPerDay: exact(low),
        ...(high !== low ? { totalHighMgPerDay: high === Infinity ? null : exact(high) } : {}),
        // (A scalar: the JSON report's detail holds no objects.)
        ...(sameDrug.size ? { sameDrugRecords: [...sameDrug].sort((a, b) => a - b).join(',') } : {}),
        perKg: Number((low / weight).toFixed(3)),
        limitMgPerDay: exact(params.mgPerKgPerDay * weight),
      },
    };
  },
};
