// What ongoing, takenFor, stoppedCourse, stableDose and lastDoseWithin share: they read the medication record in
// scope (start, stop or "ongoing", doses) against a reference date.
import type { Fact } from '../engine/result.js';
import type { Outcome } from '../engine/logic.js';
import { leaf, REF_PATH, type Explaining } from './kit.js';
import type { CheckContext, CompileContext, CompiledNode, Env, ReadContext, ReferenceDateName, SqlContext } from './types.js';
import { lit, missingList, q, when } from '../sql/kit.js';

export type Medication = { start?: string; stop?: string; ongoing?: boolean; doses?: { date: string; dose?: number; unit?: string }[] };
export type MedicationScope = { med: Medication; ref: string; base(): string };
/** A medication rule's detail when its reference date is not given. */
export type WithoutReferenceDate = { noReferenceDate: ReferenceDateName };

const MEDICATION_FIELDS = ['start', 'stop', 'ongoing', 'doses'];

export function checkMedicationScope(n: { kind: string }, cx: CheckContext): void {
  const def = cx.scope ? cx.dict.fields.get(cx.scope) : undefined;
  if (def?.type !== 'records' || def.kindOf !== 'medication') cx.report('record-scope', [], `${n.kind} applies to a medication record: use it inside exists/forAll/count over medications`);
}

export function readMedication(refName: ReferenceDateName, cx: ReadContext): void {
  if (cx.scope) for (const f of MEDICATION_FIELDS) cx.field(f);
  cx.date(refName);
}

/** A medication leaf: base facts and the reference date handled here, the decision in `decide`. */
export function medicationLeaf<K extends 'ongoing' | 'takenFor' | 'stoppedCourse' | 'stableDose' | 'lastDoseWithin'>(kind: K, note: string | undefined, refName: ReferenceDateName, cx: CompileContext, decide: (env: Env, m: MedicationScope, x: Explaining<K> | null) => Outcome): CompiledNode {
  const records = cx.scope ?? '';
  return leaf(kind, note, (env, x) => {
    const med = (env.item ?? {}) as Medication;
    const index = env.index;
    const base = () => `${records}[${index}]`;
    if (x) {
      if (med.start) x.facts.push({ field: `${base()}.start`, role: { kind: 'start' }, value: med.start } satisfies Fact);
      if (med.stop) x.facts.push({ field: `${base()}.stop`, role: { kind: 'lastDose' }, value: med.stop });
      else if (med.ongoing === true) x.facts.push({ field: `${base()}.ongoing`, role: { kind: 'ongoing' }, value: true });
    }
    const ref = env.dates[refName];
    if (!ref) {
      if (x) x.detail = { noReferenceDate: refName };
      env.missing.push({ field: REF_PATH[refName] });
      return 'unknown';
    }
    return decide(env, { med, ref, base }, x);
  });
}

/** The start and the end of taking the drug, when not recorded. */
export function pushUnrecordedSpan(env: Env, m: MedicationScope): void {
  if (!m.med.start) env.missing.push({ field: `${m.base()}.start` });
  if (!m.med.stop && m.med.ongoing !== true) env.missing.push({ field: `${m.base()}.stop` });
}

/**
 * A medication leaf's missing tokens: the reference date when not given (as medicationLeaf),
 * else, when `unknown` holds, the span's unrecorded ends (pushUnrecordedSpan).
 */
export function unrecordedSpanSql(cx: SqlContext, refName: ReferenceDateName, unknown: string): string {
  const { alias: m } = cx.medication();
  const span = missingList(cx.dialect, [when(`${m}.${q('start')} IS NULL`, cx.token(cx.path('start'))), when(`${m}.${q('stop')} IS NULL AND ${m}.${q('ongoing')} IS NOT TRUE`, cx.token(cx.path('stop')))]);
  return `(CASE WHEN ${cx.refCol(refName)} IS NULL THEN ${cx.token(lit(REF_PATH[refName]))} WHEN ${unknown} THEN ${span} END)`;
}
