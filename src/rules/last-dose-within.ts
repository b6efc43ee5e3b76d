// `lastDoseWithin`: taken at some time in a window before a reference date.
import { compareDates, formatDuration } from '../engine/dates.js';
import { fromBoolean } from '../engine/logic.js';
import { REF_PATH, windowStart } from './kit.js';
import { checkMedicationScope, medicationLeaf, readMedication, type WithoutReferenceDate } from './medication-kinds.js';
import type { Duration, ReferenceDateName, RuleKind } from './types.js';
import { MET, NOT_MET, lit, q, shiftSql, UNKNOWN } from '../sql/kit.js';

export type LastDoseWithin = { kind: 'lastDoseWithin'; note?: string | undefined; within: Duration; before: ReferenceDateName };
/** What a lastDoseWithin rule's trace records. */
export type LastDoseWithinDetail = WithoutReferenceDate | { within: string; before: ReferenceDateName; from: string; date: string; notYetStarted?: true };

export const lastDoseWithin: RuleKind<LastDoseWithin> = {
  kind: 'lastDoseWithin',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('lastDoseWithin'), within: k.Duration, before: k.ReferenceDateName, note: k.note }),
  check: checkMedicationScope,
  reads: (n, cx) => readMedication(n.before, cx),
  compile(n, cx) {
    const windowFrom = windowStart(n.within);
    const within = formatDuration(n.within);
    return medicationLeaf('lastDoseWithin', n.note, n.before, cx, (env, { med, ref, base }, x) => {
      const from = windowFrom(ref);
      if (x) x.detail = { within, before: n.before, from, date: ref };
      if (med.start && compareDates(med.start, ref) > 0) {
        if (x) x.detail = { within, before: n.before, from, date: ref, notYetStarted: true };
        return 'not_met';
      }
      if (med.stop) return fromBoolean(compareDates(med.stop, from) >= 0);
      if (med.ongoing === true) return 'met';
      env.missing.push({ field: `${base()}.stop` });
      return 'unknown';
    });
  },
  describe: (n) => ({ text: `taken at some time in the ${formatDuration(n.within)} before the ${n.before} date (last dose on or after the start of that window)` }),
  toSql(n, cx) {
    const { alias: m } = cx.medication();
    const ref = cx.refCol(n.before);
    const [start, stop] = [`${m}.${q('start')}`, `${m}.${q('stop')}`];
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} WHEN ${start} IS NOT NULL AND ${start} > ${ref} THEN ${NOT_MET} WHEN ${stop} IS NOT NULL THEN (CASE WHEN ${stop} >= ${shiftSql(ref, n.within, -1)} THEN ${MET} ELSE ${NOT_MET} END) WHEN ${m}.${q('ongoing')} IS TRUE THEN ${MET} ELSE ${UNKNOWN} END)`;
  },
  // Unknown only when neither a last dose nor "ongoing" is recorded for a drug started by then.
  missingSql(n, cx) {
    const { alias: m } = cx.medication();
    const [start, stop] = [`${m}.${q('start')}`, `${m}.${q('stop')}`];
    const unknown = `(${start} IS NULL OR ${start} <= ${cx.refCol(n.before)}) AND ${stop} IS NULL AND ${m}.${q('ongoing')} IS NOT TRUE`;
    return `(CASE WHEN ${cx.refCol(n.before)} IS NULL THEN ${cx.token(lit(REF_PATH[n.before]))} WHEN ${unknown} THEN ${cx.token(cx.path('stop'))} END)`;
  },
};
