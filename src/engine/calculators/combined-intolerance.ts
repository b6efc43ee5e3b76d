// NCT04946669 I3: "have received glucocorticoid combined with at least one immunosuppressive therapy
// for at least 3 months and have failed treatment or intolerance to treatment".
// - combinedTreatment: an immunosuppressant course that overlapped a glucocorticoid course for at
//   least `months` (before the reference date): the combined treatment itself, from the courses' dates.
// - combinedIntolerance: intolerance counts only for a course that was part of that combined
//   treatment: an immunosuppressant stopped for intolerance that overlapped a glucocorticoid for at
//   least `months`, or a glucocorticoid stopped for intolerance that overlapped an immunosuppressant
//   for that long.
// A course whose dates are not recorded leaves the answer unknown and names the dates to collect.
import * as z from 'zod/mini';
import type { Calculator, CalculatorContext, CalculatorResult } from '../calculators.js';
import { compareDates, shift } from '../dates.js';
import { courseChain, drugRef } from '../medication.js';
import { and, type Outcome } from '../logic.js';
import type { DrugRef, Fact, FactRole } from '../result.js';
import { atParamDate, paramProblems } from './completions.js';
// Built on first use: a trial uses few of the calculators (IM101-611 none).
import { lazySchema } from '../../util/lazy-schema.js';

const Params = lazySchema(() =>
  z.strictObject({
    months: z.number().check(z.gt(0)),
    at: z._default(z.enum(['screening', 'consent', 'randomization']), 'screening'),
    /**
     * Which immunosuppressant courses a pair may hold (the intolerant course or its partner): not
     * these drugs, or only these. With either, a course whose drug is not recorded leaves the pair
     * unknown (its drug to collect).
     */
    notDrugs: z.optional(z.array(z.string())),
    onlyDrugs: z.optional(z.array(z.string())),
    /** Classes that also stand as the immunosuppressive side (a biologic, an immune globulin), whatever the drug. */
    alsoClasses: z.optional(z.array(z.string())),
  }).check(z.refine((p) => !(p.notDrugs && p.onlyDrugs), 'give notDrugs or onlyDrugs, not both')),
);

/** A course's side in a combined treatment: the glucocorticoid, the immunosuppressive therapy, neither, or not known (no class recorded). */
type Side = 'steroid' | 'immuno' | 'neither' | 'unknown';

/** Whether an immunosuppressant course may be part of a pair under notDrugs / onlyDrugs (undefined: any may). */
function drugFilter(params: { notDrugs?: string[] | undefined; onlyDrugs?: string[] | undefined }): ((med: Med) => Outcome) | undefined {
  const { notDrugs, onlyDrugs } = params;
  if (onlyDrugs) return (med) => (med.drug == null ? 'unknown' : onlyDrugs.includes(med.drug) ? 'met' : 'not_met');
  if (notDrugs?.length) return (med) => (med.drug == null ? 'unknown' : notDrugs.includes(med.drug) ? 'not_met' : 'met');
  return undefined;
}

const TreatmentParams = lazySchema(() =>
  z.strictObject({
    months: z.number().check(z.gt(0)),
    at: z._default(z.enum(['screening', 'consent', 'randomization']), 'screening'),
    /** Immunosuppressants that do not count by themselves (JAK inhibitors, "other": the investigator decides about them). */
    notDrugs: z._default(z.array(z.string()), []),
  }),
);

// (A patient file may give null for any of them: not recorded, as absent.)
type Med = { drug?: string | null; otherName?: string; class?: string | null; start?: string; stop?: string; ongoing?: boolean; outcome?: string };


/**
 * The days a course covers up to `date`: [start, end]. The end is the last dose, the reference
 * date while still taken, and unknown (undefined) when neither is recorded.
 */
function course(med: Med, date: string): { start?: string; end?: string } {
  const end = med.stop ? (compareDates(med.stop, date) < 0 ? med.stop : date) : med.ongoing === true ? date : undefined;
  return { ...(med.start ? { start: med.start } : {}), ...(end ? { end } : {}) };
}

/**
 * The days the drug of record `i` was taken up to `date` without a break: the chain of its records
 * whose dates are all recorded (courseChain's `least`: a change of dose written as a new record is
 * one time on the drug), else the record's own course. Only certain links are followed: a pair met
 * through them is met; where an unrecorded date might link more, the rule asks a person
 * (combinedTreatment) or the dates are named as for one course.
 */
function chainedCourse(list: readonly Med[], i: number, date: string): { start?: string; end?: string } {
  const { least } = courseChain(list, i);
  if (!least || least.members.length < 2) return course(list[i] as Med, date);
  return { start: least.start as string, end: least.end === null || compareDates(least.end, date) > 0 ? date : least.end };
}

/** Do two courses overlap for at least `months`? Unknown dates are bounded: start ≤ end ≤ `date`. */
export function overlapAtLeast(a: { start?: string; end?: string }, b: { start?: string; end?: string }, months: number, date: string): Outcome {
  if (!a.start || !b.start) return 'unknown';
  const from = compareDates(a.start, b.start) >= 0 ? a.start : b.start;
  const longEnough = (to: string) => compareDates(shift(from, { months }, 1), to) <= 0;
  const minEnd = (x: { start?: string; end?: string }) => x.end ?? (x.start as string);
  const maxEnd = (x: { end?: string }) => x.end ?? date;
  const earliest = (p: string, q: string) => (compareDates(p, q) <= 0 ? p : q);
  if (longEnough(earliest(minEnd(a), minEnd(b)))) return 'met';
  if (!longEnough(earliest(maxEnd(a), maxEnd(b)))) return 'not_met';
  return 'unknown';
}

/** The reference date and the medication list both calculators read, or the unknown result naming what is missing. */
function coursesOf(ctx: CalculatorContext, params: { months: number; at: z.infer<ReturnType<typeof Params>>['at'] }): CalculatorResult | { date: string; list: Med[]; base: { months: number; at: string; date: string } } {
  const date = ctx.referenceDate(params.at);
  const meds = ctx.get('medications');
  if (!date || !Array.isArray(meds)) {
    return { outcome: 'unknown', facts: [], missing: [...(date ? [] : [{ field: `referenceDates.${params.at}` }]), ...(Array.isArray(meds) ? [] : [{ field: 'medications' }])], detail: { months: params.months, at: params.at, date: date ?? null } };
  }
  return { date, list: meds as Med[], base: { months: params.months, at: params.at, date } };
}

/**
 * The courses `considered` (each with the class of its partners), each against every course of its
 * partner class: met when a pair overlaps for at least `months` before the date, unknown when a
 * pair's dates would decide and are missing (named), else not met. One fact per course considered.
 */
function pairedCourses(ctx: CalculatorContext, params: { months: number; at: z.infer<ReturnType<typeof Params>>['at'] }, considered: (med: Med) => 'corticosteroid' | 'immunosuppressant' | undefined, role: (drug: DrugRef, med: Med, partner: 'corticosteroid' | 'immunosuppressant', partners: DrugRef[] | undefined) => FactRole): CalculatorResult {
  const input = coursesOf(ctx, params);
  if ('outcome' in input) return input;
  const { date, list, base } = input;
  const facts: Fact[] = [];
  const missing = new Set<string>();
  let outcome = 'not_met' as Outcome;
  const courses = list.map((_, i) => chainedCourse(list, i, date));
  list.forEach((med, i) => {
    const partnerClass = considered(med);
    if (!partnerClass) return;
    const mine = courses[i] as { start?: string; end?: string };
    const partners: DrugRef[] = [];
    let best = 'not_met' as Outcome;
    list.forEach((other, j) => {
      if (j === i || other.class !== partnerClass) return;
      const o = overlapAtLeast(mine, courses[j] as { start?: string; end?: string }, params.months, date);
      if (o === 'met') partners.push(drugRef(other, j, ctx.drugLabel));
      if (o === 'met' || (o === 'unknown' && best === 'not_met')) best = o;
      if (o === 'unknown') {
        for (const [n, m] of [[i, med], [j, other]] as const) {
          if (!m.start) missing.add(`medications[${n}].start`);
          if (!m.stop && m.ongoing !== true) missing.add(`medications[${n}].stop`);
        }
      }
    });
    // true (with the partners), false, or null when the dates that would decide are missing: worded in src/report/fact-words.ts.
    const value = best === 'met' ? true : best === 'unknown' ? null : false;
    facts.push({ field: `medications[${i}]`, role: role(drugRef(med, i, ctx.drugLabel), med, partnerClass, best === 'met' ? partners : undefined), value });
    if (best === 'met' || (best === 'unknown' && outcome === 'not_met')) outcome = best;
  });
  return { outcome, facts, missing: outcome === 'unknown' ? [...missing].map((field) => ({ field })) : [], detail: base };
}

const courseInputs = { fields: [], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'outcome'] } } as const;
/** A course as recorded, for the report: its start, its last dose (even one after the reference date) or that it is still taken. */
const recorded = (med: Med) => ({ ...(med.start ? { start: med.start } : {}), ...(med.stop ? { end: med.stop } : med.ongoing === true ? { ongoing: true } : {}) });

export const combinedIntoleranceCalculator: Calculator<z.infer<ReturnType<typeof Params>>> = {
  inputs: courseInputs,
  dates: atParamDate,
  description: 'Intolerance to a course given combined (glucocorticoid with an immunosuppressant)',
  checkParams: (params) => paramProblems(Params(), params),
  prepare: (raw) => Params().parse(raw),
  evaluate(ctx, params) {
    const input = coursesOf(ctx, params);
    if ('outcome' in input) return input;
    const { date, list, base } = input;
    const also = params.alsoClasses ?? [];
    const side = (m: Med): Side => (m.class == null ? 'unknown' : m.class === 'corticosteroid' ? 'steroid' : m.class === 'immunosuppressant' || also.includes(m.class) ? 'immuno' : 'neither');
    const filter = drugFilter(params);
    // Whether the course on the immunosuppressive side counts here (its class, else its drug).
    const counts = (m: Med): Outcome => (m.class != null && also.includes(m.class) ? 'met' : filter ? filter(m) : 'met');
    const which = params.notDrugs?.length ? 'named' : params.onlyDrugs ? 'unnamed' : undefined;
    const facts: Fact[] = [];
    const missing = new Set<string>();
    let outcome = 'not_met' as Outcome;
    /** Courses recorded as intolerance taken here, and those of them still taken on the date (not counted). */
    let considered = 0;
    let stillTaken = 0;
    const courses = list.map((_, i) => chainedCourse(list, i, date));
    list.forEach((med, i) => {
      const si = side(med);
      // Its response not recorded: a course stopped by the date may have been stopped for intolerance
      // (its response to collect); one still taken cannot have been (the stop test below says no).
      const intolerant: Outcome = med.outcome === 'intolerance' ? 'met' : med.outcome == null ? 'unknown' : 'not_met';
      if (intolerant === 'not_met' || si === 'neither') return;
      // An immunosuppressant this calculation does not take is not reported under it ("no" would read as ruled out).
      if (si === 'immuno' && counts(med) === 'not_met') return;
      const mine = courses[i] as { start?: string; end?: string };
      // Intolerance is "side effects that require discontinuation of the drug": it counts for a
      // course stopped by the date; one still taken then does not count, and one whose end is not
      // recorded is unknown (its last dose to collect, named with the dates below).
      // (A stop or ongoing of null is not recorded, as everywhere in a patient file.)
      const stopped: Outcome = med.stop ? (compareDates(med.stop, date) <= 0 ? 'met' : 'not_met') : med.ongoing === true ? 'not_met' : 'unknown';
      // A course whose response is not recorded and which was not stopped by the date is no candidate.
      if (intolerant === 'unknown' && stopped === 'not_met') return;
      const partners: DrugRef[] = [];
      let best = 'not_met' as Outcome;
      list.forEach((other, j) => {
        const sj = side(other);
        if (j === i || sj === 'neither') return;
        // Both sides known: one glucocorticoid and one immunosuppressive therapy; a class not recorded may be either.
        const valid: Outcome = si === 'unknown' || sj === 'unknown' ? 'unknown' : si !== sj ? 'met' : 'not_met';
        if (valid === 'not_met') return;
        const k = si === 'immuno' ? i : sj === 'immuno' ? j : si === 'unknown' && sj === 'steroid' ? i : sj === 'unknown' && si === 'steroid' ? j : undefined;
        const immuno = k === undefined ? undefined : (list[k] as Med);
        const c: Outcome = immuno ? counts(immuno) : filter ? 'unknown' : 'met';
        const overlap = overlapAtLeast(mine, courses[j] as { start?: string; end?: string }, params.months, date);
        const o = and([intolerant, stopped, valid, c, overlap]);
        if (o === 'met') partners.push(drugRef(other, j, ctx.drugLabel));
        if (o === 'met' || (o === 'unknown' && best === 'not_met')) best = o;
        if (o !== 'unknown') return;
        if (overlap === 'unknown') {
          for (const [n, m] of [[i, med], [j, other]] as const) {
            if (!m.start) missing.add(`medications[${n}].start`);
            if (!m.stop && m.ongoing !== true) missing.add(`medications[${n}].stop`);
          }
        }
        if (stopped === 'unknown') missing.add(`medications[${i}].stop`);
        if (intolerant === 'unknown') missing.add(`medications[${i}].outcome`);
        // A class not recorded: the drug (which gives it), or the class of an "other" drug.
        for (const [n, m, sd] of [[i, med, si], [j, other, sj]] as const) if (sd === 'unknown') missing.add(`medications[${n}].${m.drug == null ? 'drug' : 'class'}`);
        if (c === 'unknown' && immuno && immuno.drug == null) missing.add(`medications[${k}].drug`);
      });
      // true (with the partners), false, or null when what would decide is missing: worded in src/report/fact-words.ts.
      const value = best === 'met' ? true : best === 'unknown' ? null : false;
      const partner = si === 'steroid' ? 'immunosuppressant' : si === 'immuno' ? 'corticosteroid' : 'either';
      considered++;
      if (stopped === 'not_met') stillTaken++;
      facts.push({ field: `medications[${i}]`, role: { kind: 'intoleranceCourse', drug: drugRef(med, i, ctx.drugLabel), ...recorded(med), ...(intolerant === 'unknown' ? { responseUnknown: true } : {}), ...(stopped === 'not_met' ? { stillTaken: true } : {}), partner, ...(which ? { which } : {}), months: params.months, ...(best === 'met' ? { partners } : {}) }, value });
      if (best === 'met' || (best === 'unknown' && outcome === 'not_met')) outcome = best;
    });
    return { outcome, facts, missing: outcome === 'unknown' ? [...missing].map((field) => ({ field })) : [], detail: { ...base, considered, stillTaken } };
  },
};

export const combinedTreatmentCalculator: Calculator<z.infer<ReturnType<typeof TreatmentParams>>> = {
  inputs: { fields: [], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing'] } },
  dates: atParamDate,
  description: 'A glucocorticoid and an immunosuppressant given together',
  checkParams: (params) => paramProblems(TreatmentParams(), params),
  prepare: (raw) => TreatmentParams().parse(raw),
  // Only an immunosuppressant whose drug is recorded and not one of `notDrugs` is considered: this
  // calculator only ever settles the question (met); where it does not, the rule asks a person.
  evaluate: (ctx, params) =>
    pairedCourses(
      ctx,
      params,
      (med) => (med.class === 'immunosuppressant' && med.drug != null && !params.notDrugs.includes(med.drug) ? 'corticosteroid' : undefined),
      (drug, med, _partner, partners) => ({ kind: 'combinedCourse', drug, ...recorded(med), months: params.months, ...(partners ? { partners } : {}) }),
    ),
};
