// `stoppedCourse`: a course of a drug stopped by its last dose, its first dose at least a duration
// before a reference date, and from its first to its last dose at least (or less than) that
// duration. The course is the chain of the drug's records taken without a break through this
// record (courseChain, as takenFor counts): a dose change written as a new record, or two
// overlapping records, do not cut it in two.
import { compareDates, formatDuration, shift, toDayNumber } from '../engine/dates.js';
import { courseChain, type Chain, type MedicationRecord } from '../engine/medication.js';
import { getPath } from '../engine/patient-record.js';
import type { Duration, ReferenceDateName, RuleKind, SqlContext } from './types.js';
import { lit, MET, missingList, NOT_MET, q, shiftSql, UNKNOWN, when } from '../sql/kit.js';
import { checkMedicationScope, medicationLeaf, pushUnrecordedSpan, readMedication, type WithoutReferenceDate } from './medication-kinds.js';
import { REF_PATH } from './kit.js';

export type StoppedCourse = { kind: 'stoppedCourse'; note?: string | undefined; op: '>=' | '<'; duration: Duration; before: ReferenceDateName };
/**
 * What a stoppedCourse rule's trace records: the days from the first to the last dose of the course
 * of certain dates (when stopped), its first and last dose when it is more than this record, and
 * its records' indices, comma-separated.
 */
export type StoppedCourseDetail = WithoutReferenceDate | { op: StoppedCourse['op']; duration: string; before: ReferenceDateName; date: string; elapsedDays?: number; chainStart?: string; chainEnd?: string; chainRecords?: string };

const LATEST = "DATE '9999-12-31'";

export const stoppedCourse: RuleKind<StoppedCourse> = {
  kind: 'stoppedCourse',
  schema: (k) =>
    k.z
      .strictObject({ kind: k.z.literal('stoppedCourse'), op: k.z.enum(['>=', '<']), duration: k.Duration, before: k.ReferenceDateName, note: k.note })
      .describe('A stopped course: its last dose recorded, its first dose at least `duration` before the reference date, and from its first to its last dose `op` `duration`; the course is the chain of records of the drug without a break between them (the next starting on or before the day after the last dose of one), as takenFor counts.'),
  check: checkMedicationScope,
  reads: (n, cx) => {
    readMedication(n.before, cx);
    if (cx.scope) for (const f of ['drug', 'otherName']) cx.field(f);
  },
  compile(n, cx) {
    const records = cx.scope ?? '';
    const duration = formatDuration(n.duration);
    return medicationLeaf('stoppedCourse', n.note, n.before, cx, (env, m, x) => {
      const found = getPath(env.patient, records);
      const [list, at] = Array.isArray(found) ? [found, env.index] : [[m.med], 0];
      const { least, most } = courseChain(list, at);
      // The real course holds the certain one (least) and lies within the longest possible (most).
      const reach = (c: Chain) => shift(c.start as string, n.duration, 1);
      const long = (c: Chain) => c.end !== null && compareDates(c.end, reach(c)) >= 0;
      const stillTaken = least !== undefined && least.end === null;
      const tooLate = most.start !== null && compareDates(reach(most), m.ref) > 0;
      let out: 'met' | 'not_met' | 'unknown';
      if (n.op === '>=') {
        const met = least !== undefined && least.end !== null && long(least) && compareDates(reach(least), m.ref) <= 0;
        out = met ? 'met' : stillTaken || tooLate || (most.start !== null && most.end !== null && !long(most)) ? 'not_met' : 'unknown';
      } else {
        const met = most.start !== null && most.end !== null && !long(most) && compareDates(reach(most), m.ref) <= 0;
        out = met ? 'met' : stillTaken || tooLate || (least !== undefined && long(least)) ? 'not_met' : 'unknown';
      }
      if (out === 'unknown') for (const i of most.members) pushUnrecordedSpan(env, { med: (list[i] ?? {}) as MedicationRecord, ref: m.ref, base: () => `${records}[${i}]` });
      // The course the decision rests on, when more than this record: the certain one, or for "less than" the whole one.
      const shown = n.op === '>=' ? least : out === 'met' ? most : undefined;
      const chain = shown && shown.members.length > 1 && shown.start ? { chainStart: shown.start, ...(shown.end ? { chainEnd: shown.end } : {}), chainRecords: shown.members.join(',') } : {};
      const elapsed = least && least.start && least.end ? { elapsedDays: toDayNumber(least.end) - toDayNumber(least.start) } : {};
      if (x) x.detail = { op: n.op, duration, before: n.before, date: m.ref, ...elapsed, ...chain };
      return out;
    });
  },
  describe: (n) => ({ text: `stopped, its first dose at least ${formatDuration(n.duration)} before the ${n.before} date and its last dose ${n.op === '>=' ? 'at least' : 'less than'} ${formatDuration(n.duration)} after the first (records of the drug without a break between them counted as one course)` }),
  toSql: (n, cx) => `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${UNKNOWN} ELSE ${courseSql(n, cx)} END)`,
  missingSql(n, cx) {
    const { alias: m } = cx.medication();
    const span = [when(`${m}.${q('start')} IS NULL`, cx.token(cx.path('start'))), when(`${m}.${q('stop')} IS NULL AND ${m}.${q('ongoing')} IS NOT TRUE`, cx.token(cx.path('stop'))), `${cx.chains()}.${q('others_missing')}`];
    return `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${cx.token(lit(REF_PATH[n.before]))} WHEN ${courseSql(n, cx)} = ${UNKNOWN} THEN ${missingList(cx.dialect, span)} END)`;
  },
};

/** courseChain's least and most course through the record, from the chains table (src/sql/chains.ts); the reference date given. */
function courseSql(n: StoppedCourse, cx: SqlContext): string {
  const ref = cx.refCol(n.before);
  const c = cx.chains();
  const [ls, le, ms, me] = ['least_start', 'least_end', 'most_start', 'most_end'].map((f) => `${c}.${q(f)}`) as [string, string, string, string];
  const leastLong = `(${ls} IS NOT NULL AND ${le} < ${LATEST} AND ${le} >= ${shiftSql(ls, n.duration, 1)})`;
  const mostShort = `(${ms} IS NOT NULL AND ${me} IS NOT NULL AND ${me} < ${shiftSql(ms, n.duration, 1)})`;
  const stillTaken = `(${ls} IS NOT NULL AND ${le} = ${LATEST})`;
  const tooLate = `(${ms} IS NOT NULL AND ${shiftSql(ms, n.duration, 1)} > ${ref})`;
  const met = n.op === '>=' ? `(${leastLong} AND ${shiftSql(ls, n.duration, 1)} <= ${ref})` : `(${mostShort} AND ${shiftSql(ms, n.duration, 1)} <= ${ref})`;
  const notMet = n.op === '>=' ? `(${stillTaken} OR ${tooLate} OR ${mostShort})` : `(${stillTaken} OR ${tooLate} OR ${leastLong})`;
  return `(CASE WHEN ${met} THEN ${MET} WHEN ${notMet} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
}
