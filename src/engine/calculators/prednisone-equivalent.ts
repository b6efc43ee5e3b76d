// Prednisone-equivalent glucocorticoid dose per kg of body weight per day, compared with a
// threshold (NCT04946669: "< 1 mg/kg/day"). Uses each current corticosteroid's recorded
// prednisone-equivalent dose; only prednisone and prednisolone doses in mg/day are taken
// as they are, because no conversion table for other steroids is verified in our sources.
import * as z from 'zod/mini';
import type { Calculator } from '../calculators.js';
import { takenOn } from '../medication.js';
import { compareDates } from '../dates.js';
import type { Outcome } from '../logic.js';
import type { Fact } from '../result.js';
import { exact, paramProblems } from './completions.js';

const Params = z.strictObject({
  op: z.enum(['<', '<=', '>', '>=']),
  mgPerKgPerDay: z.number().check(z.gt(0)),
  at: z._default(z.enum(['screening', 'consent', 'randomization']), 'screening'),
});

type Med = {
  drug?: string;
  otherName?: string;
  class?: string;
  start?: string;
  stop?: string;
  ongoing?: boolean;
  prednisoneEquivalentMgPerDay?: number;
  doses?: { date: string; dose: number; unit?: string }[];
};


/**
 * The prednisone-equivalent mg/day of one corticosteroid on `date`, if the record gives it: the
 * dose history for prednisone and prednisolone in mg/day, else the recorded equivalent. When both
 * are there and disagree, the record contradicts itself: undefined (unknown), never a pick.
 */
export function prednisoneEquivalentMgPerDay(med: Med, date: string): number | undefined {
  const summary = typeof med.prednisoneEquivalentMgPerDay === 'number' ? med.prednisoneEquivalentMgPerDay : undefined;
  let fromDoses: number | undefined;
  if (med.drug === 'prednisone' || med.drug === 'prednisolone') {
    const current = (med.doses ?? []).filter((d) => compareDates(d.date, date) <= 0).sort((a, b) => compareDates(a.date, b.date)).at(-1);
    if (current && current.unit === 'mg/day') fromDoses = current.dose;
  }
  if (summary !== undefined && fromDoses !== undefined && summary !== fromDoses) return undefined;
  return fromDoses ?? summary;
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

export const prednisoneEquivalentPerKgCalculator: Calculator<z.infer<typeof Params>> = {
  inputs: { fields: ['demographics.weightKg'], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'doses', 'prednisoneEquivalentMgPerDay'] } },
  description: 'Prednisone-equivalent glucocorticoid dose per kg per day',
  checkParams: (params) => paramProblems(Params, params),
  prepare: (raw) => Params.parse(raw),
  evaluate(ctx, params) {
    const facts: Fact[] = [];
    const missing: string[] = [];
    const date = ctx.referenceDate(params.at);
    const weight = ctx.get('demographics.weightKg');
    facts.push({ field: 'demographics.weightKg', label: 'body weight', value: typeof weight === 'number' ? weight : null, unit: 'kg' });
    if (typeof weight !== 'number') missing.push('demographics.weightKg');
    if (!date) missing.push(`referenceDates.${params.at}`);
    const meds = ctx.get('medications');
    if (!Array.isArray(meds)) missing.push('medications');
    const base = { op: params.op, mgPerKgPerDay: params.mgPerKgPerDay, at: params.at, date: date ?? null };
    if (typeof weight !== 'number' || !date || !Array.isArray(meds)) return { outcome: 'unknown', facts, missing, detail: base };

    let low = 0;
    let high = 0;
    (meds as Med[]).forEach((med, i) => {
      const path = `medications[${i}]`;
      const name = med.drug === 'other' && med.otherName ? med.otherName : (med.drug ?? `#${i + 1}`);
      if (med.class === undefined || med.class === null) {
        // Cannot tell whether it is a glucocorticoid: its dose could count.
        missing.push(`${path}.class`);
        high = Infinity;
        return;
      }
      if (med.class !== 'corticosteroid') return;
      const on = takenOn(med, date);
      if (on === 'not_met') return;
      if (on === 'unknown') missing.push(med.start ? `${path}.stop` : `${path}.start`);
      const dose = prednisoneEquivalentMgPerDay(med, date);
      if (dose === undefined) {
        missing.push(`${path}.prednisoneEquivalentMgPerDay`);
        high = Infinity;
      } else {
        facts.push({ field: `${path}.prednisoneEquivalentMgPerDay`, label: `${name}${on === 'unknown' ? ' (if still taken)' : ''}`, value: dose, unit: 'mg/day' });
        if (on === 'met') low += dose;
        high += dose;
      }
    });
    const outcome = compareDoseRange(low, high, weight, params.op, params.mgPerKgPerDay);
    return {
      outcome,
      facts,
      missing,
      detail: {
        ...base,
        totalMgPerDay: exact(low),
        ...(high !== low ? { totalHighMgPerDay: high === Infinity ? null : exact(high) } : {}),
        perKg: Number((low / weight).toFixed(3)),
        limitMgPerDay: exact(params.mgPerKgPerDay * weight),
      },
    };
  },
};
