// `interval`: the time from one date to another against a calendar duration.
import { compareDates, formatDuration, shift, toDayNumber } from '../engine/dates.js';
import { fromBoolean } from '../engine/logic.js';
import type { Fact } from '../engine/result.js';
import { cmp, fieldReader, leaf, REF_PATH } from './kit.js';
import type { DateOperand, Duration, Env, RuleKind } from './types.js';
import { SQL_OPS, lit, missingList, shiftSql, tri, when } from '../sql/kit.js';

export type Interval = { kind: 'interval'; note?: string | undefined; from: DateOperand; to: DateOperand; op: '<' | '<=' | '>' | '>='; duration: Duration; absolute: boolean };
/** What an interval rule's trace records. */
export type IntervalDetail = { op: Interval['op']; duration: string; absolute: boolean; elapsedDays?: number; boundary?: string };
type End = { date(env: Env): string | undefined; path(env: Env): string; fact(path: string, value: string): Fact };

export const interval: RuleKind<Interval> = {
  kind: 'interval',
  schema: (k) => {
    const operand = k.z.union([k.z.strictObject({ field: k.FieldPath }), k.z.strictObject({ ref: k.ReferenceDateName })]);
    return k.z.strictObject({
      kind: k.z.literal('interval'),
      from: operand,
      to: operand,
      op: k.Ordering,
      duration: k.Duration,
      absolute: k.z.boolean().default(false).describe('Compare the distance between the dates whichever comes first.'),
      note: k.note,
    });
  },
  check(n, cx) {
    for (const side of ['from', 'to'] as const) {
      const o = n[side];
      if ('field' in o) cx.expectType([side], o.field, cx.field([side], o.field), ['date']);
    }
  },
  lint(n, cx) {
    if (JSON.stringify(n.from) === JSON.stringify(n.to)) cx.warn('same-dates', [], 'from and to are the same date, so the interval is always 0 days');
  },
  reads(n, cx) {
    for (const o of [n.from, n.to]) {
      if ('ref' in o) cx.date(o.ref);
      else cx.field(o.field);
    }
  },
  compile(n, cx) {
    const end = (o: DateOperand): End => {
      if ('ref' in o) return { date: (env) => env.dates[o.ref], path: () => REF_PATH[o.ref], fact: (field, value) => ({ field, role: { kind: 'referenceDate', name: o.ref }, value }) };
      const r = fieldReader(cx.dict, cx.scope, o.field);
      return { date: (env) => { const v = r.read(env); return typeof v === 'string' ? v : undefined; }, path: r.path, fact: (field, value) => ({ field, label: r.label, value }) };
    };
    const [a, b] = [end(n.from), end(n.to)];
    const detail = { op: n.op, duration: formatDuration(n.duration), absolute: n.absolute };
    return leaf('interval', n.note, (env, x) => {
      const da = a.date(env);
      const db = b.date(env);
      if (x) {
        x.detail = detail;
        if (da) x.facts.push(a.fact(a.path(env), da));
        if (db) x.facts.push(b.fact(b.path(env), db));
      }
      if (!da) env.missing.push({ field: a.path(env) });
      if (!db) env.missing.push({ field: b.path(env) });
      if (!da || !db) return 'unknown';
      let [start, stop] = [da, db];
      if (n.absolute && compareDates(start, stop) > 0) [start, stop] = [stop, start];
      // elapsed OP duration  <=>  end OP start + duration (calendar arithmetic).
      const boundary = shift(start, n.duration, 1);
      if (x) x.detail = { ...detail, elapsedDays: toDayNumber(stop) - toDayNumber(start), boundary };
      return fromBoolean(cmp(n.op, toDayNumber(stop), toDayNumber(boundary)));
    });
  },
  describe(n, cx) {
    const operand = (o: DateOperand) => ('ref' in o ? `the ${o.ref} date` : cx.label(o.field));
    return { text: `from ${operand(n.from)} to ${operand(n.to)}: ${n.absolute ? 'whichever comes first, ' : ''}${cx.op(n.op)} ${formatDuration(n.duration)}` };
  },
  toSql(n, cx) {
    const end = (o: DateOperand) => ('ref' in o ? cx.refCol(o.ref) : cx.col(o.field));
    const [a, b] = [end(n.from), end(n.to)];
    // With both dates known, LEAST/GREATEST see no NULL (they would skip one).
    const [start, stop] = n.absolute ? [`LEAST(${a}, ${b})`, `GREATEST(${a}, ${b})`] : [a, b];
    return tri([a, b], `${stop} ${SQL_OPS[n.op]} ${shiftSql(start, n.duration, 1)}`);
  },
  missingSql(n, cx) {
    const end = (o: DateOperand) => ('ref' in o ? when(`${cx.refCol(o.ref)} IS NULL`, cx.token(lit(REF_PATH[o.ref]))) : when(`${cx.col(o.field)} IS NULL`, cx.token(cx.path(o.field))));
    return missingList(cx.dialect, [end(n.from), end(n.to)]);
  },
};
