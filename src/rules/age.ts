// `age`: age in whole years on a reference date, from the birth date.
import { ageInYears, shift } from '../engine/dates.js';
import { countCompare, fromBoolean } from '../engine/logic.js';
import type { PatientRecord } from '../engine/patient-record.js';
import { getPath } from '../engine/patient-record.js';
import { fieldLabel } from '../criteria/dictionary-model.js';
import { cmp, leaf, REF_PATH } from './kit.js';
import type { ReferenceDateName, RuleKind, SqlContext } from './types.js';
import { MET, NOT_MET, UNKNOWN, agedSql, ifUnknown, lit, missingList, when } from '../sql/kit.js';

export type Age = { kind: 'age'; note?: string | undefined; op: '<' | '<=' | '>' | '>='; years: number; at: ReferenceDateName };
/** What an age rule's trace records (explain only). */
export type AgeDetail = { op: Age['op']; years: number; at: ReferenceDateName; on?: string; age?: number; ageLow?: number; ageHigh?: number; statedAge?: number; statedOn?: string };
const BIRTH = 'demographics.birthDate';
const AGE_YEARS = 'demographics.ageYears';
const AGE_ON = 'demographics.ageOn';

export const age: RuleKind<Age> = {
  kind: 'age',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('age'), op: k.Ordering, years: k.z.number().int().nonnegative(), at: k.ReferenceDateName, note: k.note }),
  check(_n, cx) {
    if (!cx.dict.fields.has(BIRTH)) cx.report('unknown-field', [], `age needs the field ${BIRTH} in the data dictionary`);
  },
  range: (n) => ({ key: `age|${n.at}`, what: `age at ${n.at}`, op: n.op, value: n.years, lo: 0, hi: Infinity, integer: true, text: `age ${n.op} ${n.years}` }),
  // The stated age too (a referral letter's "54 years"): it decides the rule when no birth date is
  // recorded, so a template must have its columns.
  reads(n, cx) {
    cx.path(BIRTH);
    cx.path(AGE_YEARS);
    cx.path(AGE_ON);
    cx.date(n.at);
  },
  compile(n, cx) {
    const label = fieldLabel(cx.dict, BIRTH);
    const yearsLabel = fieldLabel(cx.dict, AGE_YEARS);
    const onLabel = fieldLabel(cx.dict, AGE_ON);
    const detail = { op: n.op, years: n.years, at: n.at };
    return leaf('age', n.note, (env, x) => {
      const on = env.dates[n.at];
      const birth = getPath(env.patient, BIRTH);
      if (x) x.detail = detail;
      if (typeof birth === 'string') {
        if (x) x.facts.push({ field: BIRTH, label, value: birth });
      } else env.missing.push({ field: BIRTH });
      if (!on) env.missing.push({ field: REF_PATH[n.at] });
      if (typeof birth !== 'string' && on) {
        const stated = statedAge(env.patient);
        if (stated) {
          // Every birth date that fits the stated age: decided only when they all give the same answer.
          const low = ageInYears(stated.latestBirth, on);
          const high = ageInYears(stated.earliestBirth, on);
          if (x) {
            x.facts.push({ field: AGE_YEARS, label: yearsLabel, value: stated.years }, { field: AGE_ON, label: onLabel, value: stated.on });
            x.detail = { ...detail, on, ageLow: low, ageHigh: high, statedAge: stated.years, statedOn: stated.on };
          }
          return countCompare(low, high, (k) => cmp(n.op, k, n.years));
        }
      }
      if (!on || typeof birth !== 'string') return 'unknown';
      const years = ageInYears(birth, on);
      if (x) x.detail = { ...detail, age: years, on };
      return fromBoolean(cmp(n.op, years, n.years));
    });
  },
  describe: (n, cx) => ({ text: `age in whole years on the ${n.at} date ${cx.op(n.op)} ${n.years}` }),
  toSql: (n, cx) => ageOutcome(n, cx),
  // Unknown: the birth date when not recorded (even with a stated age), and the reference date.
  // With both dates recorded the age is decided: only a patient lacking one is tested further,
  // and then the outcome is the stated age's reading (or unknown without the reference date).
  missingSql: (n, cx) => {
    const [birth, on] = [cx.col(BIRTH), cx.refCol(n.at)];
    const tokens = missingList(cx.dialect, [when(`${birth} IS NULL`, cx.token(lit(BIRTH))), when(`${on} IS NULL`, cx.token(lit(REF_PATH[n.at])))]);
    return when(`${birth} IS NULL OR ${on} IS NULL`, ifUnknown(`(CASE WHEN ${on} IS NULL THEN ${UNKNOWN} ${statedAgeSql(n, cx)} END)`, tokens));
  },
};

function ageOutcome(n: Age, cx: SqlContext): string {
  const birth = cx.col(BIRTH);
  const on = cx.refCol(n.at);
  const [passes] = agesPass(n, (years) => agedSql(birth, on, years), (years) => agedSql(birth, on, years));
  return `(CASE WHEN ${on} IS NULL THEN ${UNKNOWN} WHEN ${birth} IS NOT NULL THEN (CASE WHEN ${passes} THEN ${MET} ELSE ${NOT_MET} END) ${statedAgeSql(n, cx)} END)`;
}

/**
 * [every age in youngest..oldest passes `age op years`, none does], from "aged at least k" of the
 * youngest and of the oldest reading (as countRange over the two ages).
 */
function agesPass(n: Age, youngest: (k: number) => string, oldest: (k: number) => string): [string, string] {
  const y = n.years;
  switch (n.op) {
    case '>=': return [youngest(y), `NOT ${oldest(y)}`];
    case '>': return [youngest(y + 1), `NOT ${oldest(y + 1)}`];
    case '<=': return [`NOT ${oldest(y + 1)}`, youngest(y + 1)];
    default: return [`NOT ${oldest(y)}`, youngest(y)];
  }
}

/**
 * The WHEN branches of a reading with no birth date but an age stated on a date: every birth
 * date that fits it (as in compile), decided only when the youngest and the oldest reading agree.
 */
function statedAgeSql(n: Age, cx: SqlContext): string {
  const on = cx.refCol(n.at);
  const years = cx.col('demographics.ageYears');
  const statedOn = cx.col('demographics.ageOn');
  const latest = `CAST(${statedOn} - ${cx.dialect.months(`12 * ${years}`)} AS DATE)`;
  const earliest = `(CAST(${statedOn} - ${cx.dialect.months(`12 * (${years} + 1)`)} AS DATE) + 1)`;
  const [allTrue, allFalse] = agesPass(n, (k) => agedSql(latest, on, k), (k) => agedSql(earliest, on, k));
  return `WHEN ${years} IS NULL OR ${statedOn} IS NULL THEN ${UNKNOWN} WHEN ${allTrue} THEN ${MET} WHEN ${allFalse} THEN ${NOT_MET} ELSE ${UNKNOWN}`;
}

/** An age stated on a date without a birth date: the range of birth dates it allows. */
function statedAge(patient: PatientRecord): { years: number; on: string; earliestBirth: string; latestBirth: string } | undefined {
  const years = getPath(patient, AGE_YEARS);
  const on = getPath(patient, AGE_ON);
  if (typeof years !== 'number' || typeof on !== 'string') return undefined;
  return {
    years,
    on,
    // Aged `years` on `on`: born after on − (years + 1) and on or before on − years.
    earliestBirth: shift(shift(on, { years: years + 1 }, -1), { days: 1 }, 1),
    latestBirth: shift(on, { years }, -1),
  };
}
