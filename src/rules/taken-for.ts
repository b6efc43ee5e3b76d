// `takenFor`: started at least a duration before a reference date and still taken on it.
import { compareDates, formatDuration, shift } from '../engine/dates.js';
import { and, fromBoolean } from '../engine/logic.js';
import { takenOn } from '../engine/medication.js';
import { latestStart } from './kit.js';
import type { Duration, ReferenceDateName, RuleKind, SqlContext } from './types.js';
import { and as andSql, q, shiftSql, takenOnSql, tri, UNKNOWN } from '../sql/kit.js';
import { checkMedicationScope, medicationLeaf, pushUnrecordedSpan, readMedication, unrecordedSpanSql, type WithoutReferenceDate } from './medication-kinds.js';

export type TakenFor = { kind: 'takenFor'; note?: string | undefined; atLeast: Duration; before: ReferenceDateName };
/** What a takenFor rule's trace records. */
export type TakenForDetail = WithoutReferenceDate | { atLeast: string; before: ReferenceDateName; since: string; date: string };

export const takenFor: RuleKind<TakenFor> = {
  kind: 'takenFor',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('takenFor'), atLeast: k.Duration, before: k.ReferenceDateName, note: k.note }),
  check: checkMedicationScope,
  reads: (n, cx) => readMedication(n.before, cx),
  compile(n, cx) {
    // Counted forward from the start (latestStart), as the duration of a stopped course is.
    const since = latestStart(n.atLeast);
    const atLeast = formatDuration(n.atLeast);
    return medicationLeaf('takenFor', n.note, n.before, cx, (env, m, x) => {
      const start = since(m.ref);
      if (x) x.detail = { atLeast, before: n.before, since: start, date: m.ref };
      pushUnrecordedSpan(env, m);
      // (The check itself counts forward, as the SQL does; `start` is the date reports show.)
      return and([m.med.start ? fromBoolean(compareDates(shift(m.med.start, n.atLeast, 1), m.ref) <= 0) : 'unknown', takenOn(m.med, m.ref)]);
    });
  },
  describe: (n) => ({ text: `started at least ${formatDuration(n.atLeast)} before the ${n.before} date and still taken on it` }),
  toSql: (n, cx) => `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${UNKNOWN} ELSE ${takenForSql(n, cx)} END)`,
  missingSql: (n, cx) => unrecordedSpanSql(cx, n.before, `${takenForSql(n, cx)} = ${UNKNOWN}`),
};

/** Started long enough before (start + duration on or before it), and taken on, the reference date (given). */
function takenForSql(n: TakenFor, cx: SqlContext): string {
  const { alias: m } = cx.medication();
  const ref = cx.refCol(n.before);
  const start = `${m}.${q('start')}`;
  const started = tri([start], `${shiftSql(start, n.atLeast, 1)} <= ${ref}`);
  return andSql([started, takenOnSql(m, ref)]);
}
