// `takenFor`: taken without a break for at least a duration before a reference date and still taken
// on it, counted across records of the drug that follow one another (a change of dose entered as a
// new record does not restart the count).
import { compareDates, formatDuration, shift } from '../engine/dates.js';
import { and, fromBoolean, type Outcome } from '../engine/logic.js';
import { courseChain, drugIdentity, takenOn, type MedicationRecord } from '../engine/medication.js';
import { getPath } from '../engine/patient-record.js';
import { latestStart, REF_PATH } from './kit.js';
import type { Duration, ReferenceDateName, RuleKind, SqlContext } from './types.js';
import { and as andSql, lit, MET, missingList, NOT_MET, q, shiftSql, takenOnSql, tri, UNKNOWN, when } from '../sql/kit.js';
import { checkMedicationScope, medicationLeaf, pushUnrecordedSpan, readMedication, type WithoutReferenceDate } from './medication-kinds.js';

/** `chained: false`: this record by itself, not counted with the drug's other records (a record started inside a window is asked about). */
export type TakenFor = { kind: 'takenFor'; note?: string | undefined; atLeast: Duration; before: ReferenceDateName; chained?: boolean | undefined };
/**
 * What a takenFor rule's trace records; when records of the drug before or after this one (by their
 * dates, without a break) make its start earlier, the chain's first day and its records' indices
 * in the list, comma-separated (a report's detail holds scalars).
 */
export type TakenForDetail = WithoutReferenceDate | { atLeast: string; before: ReferenceDateName; since: string; date: string; chainStart?: string; chainRecords?: string };

export const takenFor: RuleKind<TakenFor> = {
  kind: 'takenFor',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('takenFor'), atLeast: k.Duration, before: k.ReferenceDateName, chained: k.z.boolean().optional().describe('false: this record by itself; by default the records of the drug that follow one another without a break (the next starting on or before the day after the last dose of one) are counted together.'), note: k.note }),
  check: checkMedicationScope,
  reads: (n, cx) => {
    readMedication(n.before, cx);
    // The records of the same drug it chains with.
    if (cx.scope && n.chained !== false) for (const f of ['drug', 'otherName']) cx.field(f);
  },
  compile(n, cx) {
    // Counted forward from the start (latestStart), as the duration of a stopped course is.
    const since = latestStart(n.atLeast);
    const atLeast = formatDuration(n.atLeast);
    const records = cx.scope ?? '';
    const chained = n.chained !== false;
    // (The check itself counts forward, as the SQL does; `since` is the date reports show.)
    return medicationLeaf('takenFor', n.note, n.before, cx, (env, m, x) => {
      const reached = (from: string | null) => from === null || compareDates(shift(from, n.atLeast, 1), m.ref) <= 0;
      pushUnrecordedSpan(env, m);
      const list = chained ? getPath(env.patient, records) : undefined;
      const id = drugIdentity(m.med as object);
      let long: Outcome;
      let chain: { chainStart: string; chainRecords: string } | undefined;
      if (id === undefined || !Array.isArray(list) || !list.some((o, i) => i !== env.index && drugIdentity((o ?? {}) as object) === id)) {
        long = m.med.start ? fromBoolean(reached(m.med.start)) : 'unknown';
      } else {
        // Met when the chain of records known to follow one another is long enough; not met when
        // not even the longest chain the unrecorded dates allow is; else unknown, and the other
        // records' unrecorded dates in that longest chain are what decide.
        const { least, most } = courseChain(list, env.index);
        long = least && reached(least.start) ? 'met' : !reached(most.start) ? 'not_met' : 'unknown';
        if (least && least.start !== m.med.start) chain = { chainStart: least.start as string, chainRecords: least.members.join(',') };
        if (long === 'unknown') for (const i of most.members) if (i !== env.index) pushUnrecordedSpan(env, { med: (list[i] ?? {}) as MedicationRecord, ref: m.ref, base: () => `${records}[${i}]` });
      }
      if (x) x.detail = { atLeast, before: n.before, since: since(m.ref), date: m.ref, ...(chain && long === 'met' ? chain : {}) };
      return and([long, takenOn(m.med, m.ref)]);
    });
  },
  describe: (n) => ({ text: n.chained === false ? `this record started at least ${formatDuration(n.atLeast)} before the ${n.before} date and still taken on it (the drug's other records not counted)` : `started at least ${formatDuration(n.atLeast)} before the ${n.before} date and still taken on it (records of the drug without a break between them counted together)` }),
  toSql: (n, cx) => `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${UNKNOWN} ELSE ${takenForSql(n, cx)} END)`,
  missingSql(n, cx) {
    const { alias: m } = cx.medication();
    const span = [when(`${m}.${q('start')} IS NULL`, cx.token(cx.path('start'))), when(`${m}.${q('stop')} IS NULL AND ${m}.${q('ongoing')} IS NOT TRUE`, cx.token(cx.path('stop'))), ...(n.chained === false ? [] : [when(`${longSql(n, cx)} = ${UNKNOWN}`, `${cx.chains()}.${q('others_missing')}`)])];
    return `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${cx.token(lit(REF_PATH[n.before]))} WHEN ${takenForSql(n, cx)} = ${UNKNOWN} THEN ${missingList(cx.dialect, span)} END)`;
  },
};

/** Taken long enough by the chain through the record (courseChain; the chains table, src/sql/chains.ts); the reference date given. */
function longSql(n: TakenFor, cx: SqlContext): string {
  const ref = cx.refCol(n.before);
  if (n.chained === false) {
    const start = `${cx.medication().alias}.${q('start')}`;
    return tri([start], `${shiftSql(start, n.atLeast, 1)} <= ${ref}`);
  }
  const c = cx.chains();
  // least_start is NULL when the record is not in the chain of known dates; most_start NULL when the chain may start any time.
  return `(CASE WHEN ${c}.${q('least_start')} IS NOT NULL AND ${shiftSql(`${c}.${q('least_start')}`, n.atLeast, 1)} <= ${ref} THEN ${MET} WHEN ${c}.${q('most_start')} IS NOT NULL AND ${shiftSql(`${c}.${q('most_start')}`, n.atLeast, 1)} > ${ref} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
}

/** Taken long enough (longSql) and taken on the reference date (given). */
function takenForSql(n: TakenFor, cx: SqlContext): string {
  const { alias: m } = cx.medication();
  return andSql([longSql(n, cx), takenOnSql(m, cx.refCol(n.before))]);
}
