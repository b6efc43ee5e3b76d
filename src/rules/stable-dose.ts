// `stableDose`: started before a window, no dose change within it, and still taken at its end.
import { compareDates, formatDuration } from '../engine/dates.js';
import { takenOn } from '../engine/medication.js';
import type { Fact } from '../engine/result.js';
import { latestStart, REF_PATH } from './kit.js';
import { checkMedicationScope, medicationLeaf, readMedication , type WithoutReferenceDate } from './medication-kinds.js';
import type { Duration, ReferenceDateName, RuleKind, SqlContext } from './types.js';
import { DOSES_SUFFIX, recordJoin, NOT_MET, dateText, latestStartSql, lit, q, ROW, takenOnSql, UNKNOWN } from '../sql/kit.js';

/**
 * `fromStart: true`: a record started inside the window is read from its start (a change of its own
 * dose after it is a change; its start, beside another record of the drug, is not, and is asked about
 * elsewhere) instead of failing for starting there.
 */
export type StableDose = { kind: 'stableDose'; note?: string | undefined; for: Duration; before: ReferenceDateName; fromStart?: boolean | undefined };
/** What a stableDose rule's trace records: the window, and what decided it (readFrom: the record's start, read from there). */
export type StableDoseDetail = WithoutReferenceDate | { for: string; before: ReferenceDateName; since: string; date: string; startedInWindow?: true; readFrom?: string; unitMismatchOn?: string; changedOn?: string };
type Dose = { date: string; dose?: number; unit?: string };

export const stableDose: RuleKind<StableDose> = {
  kind: 'stableDose',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('stableDose'), for: k.Duration, before: k.ReferenceDateName, fromStart: k.z.boolean().optional().describe('true: a record started inside the window is read from its start (a change of its own dose after it is a change) instead of failing for starting there.'), note: k.note }),
  check: checkMedicationScope,
  reads: (n, cx) => readMedication(n.before, cx),
  compile(n, cx) {
    // The window's first day is the latest day from which `for`, counted forward, is complete by the
    // reference date, as takenFor counts: a dose in effect then and unchanged since has been taken for it.
    const windowFrom = latestStart(n.for);
    const forText = formatDuration(n.for);
    return medicationLeaf('stableDose', n.note, n.before, cx, (env, { med, ref, base }, x) => {
      const since = windowFrom(ref);
      let detail: { for: string; before: ReferenceDateName; since: string; date: string; readFrom?: string } = { for: forText, before: n.before, since, date: ref };
      if (x) x.detail = detail;
      const doseFact = (d: Dose): Fact => ({ field: `${base()}.doses`, role: { kind: 'doseFrom', date: d.date }, value: d.dose ?? null, ...(d.unit ? { unit: d.unit } : {}) });
      if (!med.start) {
        env.missing.push({ field: `${base()}.start` });
        return 'unknown';
      }
      // The day the dose is read from: the window's first, or (fromStart) a later start.
      let from = since;
      if (compareDates(med.start, since) > 0) {
        if (!n.fromStart) {
          if (x) x.detail = { ...detail, startedInWindow: true };
          return 'not_met';
        }
        from = med.start;
        detail = { ...detail, readFrom: from };
        if (x) x.detail = detail;
      }
      const doses = Array.isArray(med.doses) ? [...med.doses].sort((a, b) => compareDates(a.date, b.date)) : undefined;
      if (!doses || doses.length === 0) {
        env.missing.push({ field: `${base()}.doses` });
        return 'unknown';
      }
      const before = doses.filter((d) => compareDates(d.date, from) <= 0);
      const inWindow = doses.filter((d) => compareDates(d.date, from) > 0 && compareDates(d.date, ref) <= 0);
      const current = before[before.length - 1];
      if (!current) {
        env.missing.push({ field: `${base()}.doses`, need: { kind: 'doseOn', date: from } });
        return 'unknown';
      }
      if (x) x.facts.push(doseFact(current));
      // Doses written in different units (or one without a unit) cannot be compared: never call that a change.
      const incomparable = inWindow.find((d) => (d.unit ?? '') !== (current.unit ?? ''));
      if (incomparable) {
        if (x) (x.facts.push(doseFact(incomparable)), (x.detail = { ...detail, unitMismatchOn: incomparable.date }));
        env.missing.push({ field: `${base()}.doses`, need: { kind: 'sameUnit' } });
        return 'unknown';
      }
      // A dose entry without an amount ("unchanged since" a date) cannot be compared with another amount.
      const change = inWindow.find((d) => d.dose !== undefined && current.dose !== undefined && d.dose !== current.dose);
      if (change) {
        if (x) (x.facts.push(doseFact(change)), (x.detail = { ...detail, changedOn: change.date }));
        return 'not_met';
      }
      // The amount to collect: the current dose's when it lacks one (nothing can be compared with
      // it), else the first entry's in the window without one; the SQL names the same.
      const unknownAmount = inWindow.find((d) => d.dose === undefined || current.dose === undefined);
      if (unknownAmount) {
        env.missing.push({ field: `${base()}.doses`, need: { kind: 'doseAmount', date: current.dose === undefined ? current.date : unknownAmount.date } });
        return 'unknown';
      }
      const stillTaking = takenOn(med, ref);
      if (stillTaking === 'unknown') env.missing.push({ field: `${base()}.stop` });
      return stillTaking;
    });
  },
  describe: (n) => ({ text: n.fromStart ? `no dose change in the ${formatDuration(n.for)} before the ${n.before} date (a record started in them: after its start), and still taken on it` : `started at least ${formatDuration(n.for)} before the ${n.before} date, no dose change since then, and still taken on it` }),
  toSql(n, cx) {
    const { ref, start, since, cur, win, any, m } = stableDoseTables(n, cx);
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} WHEN ${start} IS NULL THEN ${UNKNOWN}${n.fromStart ? '' : ` WHEN ${start} > ${since} THEN ${NOT_MET}`} WHEN ${any}.n IS NULL THEN ${UNKNOWN} WHEN ${cur}.${q('pos')} IS NULL THEN ${UNKNOWN} WHEN ${win}.incomparable = 1 THEN ${UNKNOWN} WHEN ${win}.changed = 1 THEN ${NOT_MET} WHEN ${win}.unknown_amount = 1 THEN ${UNKNOWN} ELSE ${takenOnSql(m, ref)} END)`;
  },
  // The same steps as toSql, each unknown one naming what it lacks (as the JS leaf).
  missingSql(n, cx) {
    const { ref, start, since, from, cur, win, any, m } = stableDoseTables(n, cx);
    const doses = cx.path('doses');
    return `(CASE WHEN ${ref} IS NULL THEN ${cx.token(lit(REF_PATH[n.before]))} WHEN ${start} IS NULL THEN ${cx.token(cx.path('start'))}${n.fromStart ? '' : ` WHEN ${start} > ${since} THEN NULL`} WHEN ${any}.n IS NULL THEN ${cx.token(doses)} WHEN ${cur}.${q('pos')} IS NULL THEN ${cx.token(doses, { kind: 'doseOn', date: dateText(from(m)) })} WHEN ${win}.incomparable = 1 THEN ${cx.token(doses, { kind: 'sameUnit' })} WHEN ${win}.changed = 1 THEN NULL WHEN ${win}.unknown_amount = 1 THEN ${cx.token(doses, { kind: 'doseAmount', date: dateText(`${win}.amount_date`) })} WHEN ${takenOnSql(m, ref)} = ${UNKNOWN} THEN ${cx.token(cx.path('stop'))} END)`;
  },
};

/** The dose tables a stableDose rule reads (made once per rule), and its dates. */
function stableDoseTables(n: StableDose, cx: SqlContext) {
  const { alias: m, records } = cx.medication();
  const ref = cx.refCol(n.before);
  const since = latestStartSql(ref, n.for);
  const start = `${m}.${q('start')}`;
  // The day the dose is read from, for the record under the alias: the window's first, or (fromStart) a later start.
  const from = (r: string) => (n.fromStart ? `(CASE WHEN ${r}.${q('start')} > ${since} THEN ${r}.${q('start')} ELSE ${since} END)` : since);
  const t = cx.memo(n, () => {
    const doses = q(`${records}${DOSES_SUFFIX}`);
    const record = n.fromStart ? 'r' : undefined;
    const current = cx.currentDoseTable(records, from('r'), record);
    // One row per record with doses (one table, not three: measured 1.4x on IM101-611 at 100k):
    // how many, the current dose on the window's first day (c), and over the doses within the
    // window: doses in different units (or one without a unit) cannot be compared, never a
    // change; a dose entry without an amount ("unchanged since") is no change, but next to another
    // amount unknown: then the amount to collect is the current dose's when it lacks one, else the
    // first such entry's.
    const within = `d.${q('date')} > ${from('r')} AND d.${q('date')} <= ${ref}`;
    const inWindow = (test: string) => `MAX(CASE WHEN ${within} AND ${test} THEN 1 ELSE 0 END)`;
    const table = `SELECT d.${q(ROW)}, d.${q('idx')}, COUNT(*) AS n, MAX(c.${q('pos')}) AS pos, ${inWindow(`COALESCE(d.${q('unit')}, '') <> COALESCE(c.${q('unit')}, '')`)} AS incomparable, ${inWindow(`d.${q('dose')} <> c.${q('dose')}`)} AS changed, ${inWindow(`(d.${q('dose')} IS NULL OR c.${q('dose')} IS NULL)`)} AS unknown_amount, (CASE WHEN ${inWindow(`c.${q('dose')} IS NULL`)} = 1 THEN MAX(c.${q('date')}) ELSE MIN(CASE WHEN ${within} AND d.${q('dose')} IS NULL THEN d.${q('date')} END) END) AS amount_date FROM ${doses} AS d LEFT JOIN ${q('patients')} AS p ON p.${q(ROW)} = d.${q(ROW)}${record ? recordJoin(records, record) : ''} LEFT JOIN (${current}) AS c ON c.${q(ROW)} = d.${q(ROW)} AND c.${q('idx')} = d.${q('idx')} GROUP BY d.${q(ROW)}, d.${q('idx')}`;
    return cx.join('sd', true, () => table);
  });
  // The current dose (pos), the window's comparisons (incomparable, changed, unknown_amount,
  // amount_date) and the dose count (n) are columns of the one table.
  const [cur, win, any] = [t, t, t];
  return { m, ref, since, from, start, cur, win, any };
}
