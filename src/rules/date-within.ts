// `dateWithin`: a date falls within a window ending on a reference date (inclusive).
import { compareDates, formatDuration } from '../engine/dates.js';
import { fromBoolean } from '../engine/logic.js';
import { fact, fieldReader, leaf, REF_PATH, windowStart } from './kit.js';
import type { Duration, ReferenceDateName, RuleKind } from './types.js';
import { lit, missingList, shiftSql, tri, when } from '../sql/kit.js';

export type DateWithin = { kind: 'dateWithin'; note?: string | undefined; field: string; within: Duration; before: ReferenceDateName };
/** What a dateWithin rule's trace records. */
export type DateWithinDetail = { within: string; before: ReferenceDateName; from?: string; to?: string };

export const dateWithin: RuleKind<DateWithin> = {
  kind: 'dateWithin',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('dateWithin'), field: k.FieldPath, within: k.Duration, before: k.ReferenceDateName, note: k.note }),
  check: (n, cx) => void cx.expectType([], n.field, cx.field([], n.field), ['date']),
  reads(n, cx) {
    cx.field(n.field);
    cx.date(n.before);
  },
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const detail = { within: formatDuration(n.within), before: n.before };
    const from = windowStart(n.within);
    return leaf('dateWithin', n.note, (env, x) => {
      const value = r.read(env);
      const ref = env.dates[n.before];
      if (x) x.detail = detail;
      if (typeof value === 'string') {
        if (x) x.facts.push(fact(r.path(env), r, value));
      } else env.missing.push({ field: r.path(env) });
      if (!ref) env.missing.push({ field: REF_PATH[n.before] });
      if (!ref || typeof value !== 'string') return 'unknown';
      const start = from(ref);
      if (x) x.detail = { ...detail, from: start, to: ref };
      return fromBoolean(compareDates(value, start) >= 0 && compareDates(value, ref) <= 0);
    });
  },
  describe: (n, cx) => ({ text: `${cx.label(n.field)} within ${formatDuration(n.within)} before the ${n.before} date (up to and including it)` }),
  toSql(n, cx) {
    const v = cx.col(n.field);
    const ref = cx.refCol(n.before);
    return tri([v, ref], `${v} >= ${shiftSql(ref, n.within, -1)} AND ${v} <= ${ref}`);
  },
  missingSql(n, cx) {
    const ref = cx.refCol(n.before);
    return missingList(cx.dialect, [when(`${cx.col(n.field)} IS NULL`, cx.token(cx.path(n.field))), when(`${ref} IS NULL`, cx.token(lit(REF_PATH[n.before])))]);
  },
};
