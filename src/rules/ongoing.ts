// `ongoing`: the drug is being taken on a reference date (optionally: with no last dose recorded).
import { takenOn } from '../engine/medication.js';
import type { ReferenceDateName, RuleKind } from './types.js';
import { MET, NOT_MET, q, takenOnSql, UNKNOWN } from '../sql/kit.js';
import { checkMedicationScope, medicationLeaf, pushUnrecordedSpan, readMedication, unrecordedSpanSql, type WithoutReferenceDate } from './medication-kinds.js';

export type Ongoing = { kind: 'ongoing'; note?: string | undefined; at: ReferenceDateName; continuing?: boolean | undefined };
/** What an ongoing rule's trace records. */
export type OngoingDetail = WithoutReferenceDate | { at: ReferenceDateName; date: string; continuing?: true; ends?: string | null };

export const ongoing: RuleKind<Ongoing> = {
  kind: 'ongoing',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('ongoing'),
      at: k.ReferenceDateName,
      continuing: k.z.boolean().optional().describe('Also require that no last dose is recorded: "ongoing": true, not a stop date on or after the reference date.'),
      note: k.note,
    }),
  check: checkMedicationScope,
  reads: (n, cx) => readMedication(n.at, cx),
  compile: (n, cx) =>
    medicationLeaf('ongoing', n.note, n.at, cx, (env, m, x) => {
      const o = takenOn(m.med, m.ref);
      // continuing: a recorded last dose (even a planned one on or after the date) means it ends.
      if (n.continuing && o === 'met' && m.med.ongoing !== true) {
        if (x) x.detail = { at: n.at, date: m.ref, continuing: true, ends: m.med.stop ?? null };
        return 'not_met';
      }
      if (x) x.detail = { at: n.at, date: m.ref, ...(n.continuing ? { continuing: true } : {}) };
      pushUnrecordedSpan(env, m);
      return o;
    }),
  describe: (n) => ({ text: `being taken on the ${n.at} date` }),
  toSql(n, cx) {
    const { alias: m } = cx.medication();
    const ref = cx.refCol(n.at);
    const taken = takenOnSql(m, ref);
    // continuing: a recorded last dose (even on or after the date) means it ends.
    const body = n.continuing ? `(CASE WHEN ${taken} = ${MET} AND ${m}.${q('ongoing')} IS NOT TRUE THEN ${NOT_MET} ELSE ${taken} END)` : taken;
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} ELSE ${body} END)`;
  },
  // Unknown exactly when takenOn is ("continuing" only turns met into not met).
  missingSql(n, cx) {
    const { alias: m } = cx.medication();
    return unrecordedSpanSql(cx, n.at, `${takenOnSql(m, cx.refCol(n.at))} = ${UNKNOWN}`);
  },
};
