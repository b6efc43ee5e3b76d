// `labUln`: a lab result against a multiple of the reporting lab's upper limit of normal,
// optionally only when dated within a window before a reference date.
import { compareDates, formatDuration } from '../engine/dates.js';
import { fromBoolean } from '../engine/logic.js';
import type { Fact } from '../engine/result.js';
import { cmp, fact, fieldReader, leaf, REF_PATH, windowStart } from './kit.js';
import type { Duration, ReferenceDateName, RuleKind } from './types.js';
import { MET, NOT_MET, SQL_OPS, UNKNOWN, dateText, lit, missingList, shiftSql, when } from '../sql/kit.js';

export type LabUln = {
  kind: 'labUln';
  note?: string | undefined;
  field: string;
  op: '<' | '<=' | '>' | '>=';
  times: number;
  within?: Duration | undefined;
  before?: ReferenceDateName | undefined;
  through?: ReferenceDateName | undefined;
};
/** What a labUln rule's trace records: the rule, its window once dated, the ratio once decided. */
export type LabUlnDetail = {
  op: LabUln['op'];
  times: number;
  within?: string;
  before?: ReferenceDateName;
  through?: ReferenceDateName;
  date?: string | null;
  from?: string;
  to?: string;
  outOfWindow?: true;
  ratio?: number;
  limit?: number;
};
type Lab = { value?: number; uln?: number; unit?: string; date?: string };

export const labUln: RuleKind<LabUln> = {
  kind: 'labUln',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('labUln'),
      field: k.FieldPath.describe('A lab field (value, unit, uln, date).'),
      op: k.Ordering,
      times: k.z.number().positive().describe('Multiple of the upper limit of normal.'),
      within: k.Duration.optional().describe('Only a result dated within this long before the reference date counts; otherwise unknown.'),
      before: k.ReferenceDateName.optional().describe('Reference date for `within` (default screening).'),
      through: k.ReferenceDateName.optional().describe('Also count results dated after `before` up to and including this reference date (e.g. labs drawn at screening, after consent).'),
      note: k.note,
    }),
  check(n, cx) {
    cx.expectType([], n.field, cx.field([], n.field), ['lab']);
    if (n.through && !n.within) cx.report('criteria', ['through'], '"through" extends a "within" window: give "within" too');
  },
  range: (n, cx) => ({ key: `labUln|${cx.scope ?? ''}|${n.field}`, what: `${n.field} × ULN`, op: n.op, value: n.times, lo: 0, hi: Infinity, integer: false, text: `${n.field} ${n.op} ${n.times} × ULN` }),
  reads(n, cx) {
    cx.field(n.field);
    if (n.within) cx.date(n.before ?? 'screening');
    if (n.within && n.through) cx.date(n.through);
  },
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const detail: LabUlnDetail = { op: n.op, times: n.times };
    const before = n.before ?? 'screening';
    const within = n.within;
    const through = n.through;
    const windowDetail = within ? { ...detail, within: formatDuration(within), before, ...(through ? { through } : {}) } : detail;
    const from = within ? windowStart(within) : undefined;
    return leaf('labUln', n.note, (env, x) => {
      const lab = r.read(env) as Lab | undefined;
      const path = r.path(env);
      if (x) x.detail = detail;
      if (!lab || typeof lab.value !== 'number') {
        env.missing.push({ field: `${path}.value` });
        if (x) x.facts.push(fact(path, r, null));
        return 'unknown';
      }
      if (typeof lab.uln !== 'number' || lab.uln <= 0) {
        env.missing.push({ field: `${path}.uln` });
        if (x) x.facts.push({ field: `${path}.value`, label: r.label, value: lab.value, unit: lab.unit ?? '' });
        return 'unknown';
      }
      if (x) {
        x.facts.push({ field: `${path}.value`, label: r.label, value: lab.value, unit: lab.unit ?? '' }, { field: `${path}.uln`, role: { kind: 'uln', of: r.label }, value: lab.uln, unit: lab.unit ?? '' } satisfies Fact);
      }
      if (from) {
        // Only a recent enough result counts as evidence; an undated or older one leaves this open.
        // `through`: the window runs on past the `before` date up to this one (e.g. labs drawn at screening, after consent).
        const ref = env.dates[before];
        const end = through ? env.dates[through] : ref;
        if (x) x.detail = { ...windowDetail, date: lab.date ?? null };
        if (!ref) env.missing.push({ field: REF_PATH[before] });
        if (through && !end) env.missing.push({ field: REF_PATH[through] });
        if (!ref || !end) return 'unknown';
        const start = from(ref);
        const to = compareDates(end, ref) > 0 ? end : ref;
        if (x) x.detail = { ...windowDetail, date: lab.date ?? null, from: start, to };
        if (!lab.date) {
          env.missing.push({ field: `${path}.date` });
          return 'unknown';
        }
        if (compareDates(lab.date, start) < 0 || compareDates(lab.date, to) > 0) {
          env.missing.push({ field: path, need: { kind: 'resultBetween', from: start, to } });
          if (x) x.detail = { ...windowDetail, date: lab.date, from: start, to, outOfWindow: true };
          return 'unknown';
        }
      }
      // Compare value against times × ULN without dividing, both rounded to 12 significant digits,
      // so boundaries are exact also after unit conversion (1.56 µkat/L × 60 = 93.6 U/L, not 93.6000…1).
      const limit = Number((n.times * lab.uln).toPrecision(12));
      const ok = cmp(n.op, Number(lab.value.toPrecision(12)), limit);
      if (x) x.detail = { ...detail, ratio: Number((lab.value / lab.uln).toFixed(2)), limit, date: lab.date ?? null };
      return fromBoolean(ok);
    });
  },
  describe: (n, cx) => ({
    text: `${cx.label(n.field)} ${cx.op(n.op)} ${n.times} × the reporting lab's upper limit of normal${n.within ? `, in a result dated within ${formatDuration(n.within)} before the ${n.before ?? 'screening'} date${n.through ? ` or after it up to the ${n.through} date` : ''}` : ''}`,
  }),
  toSql(n, cx) {
    const value = cx.col(n.field, 'value');
    const uln = cx.col(n.field, 'uln');
    const date = cx.col(n.field, 'date');
    const { exact } = cx.dialect;
    const decide = `WHEN ${exact(value)} ${SQL_OPS[n.op]} ${exact(`${n.times} * ${uln}`)} THEN ${MET} ELSE ${NOT_MET}`;
    const base = `WHEN ${value} IS NULL THEN ${UNKNOWN} WHEN ${uln} IS NULL OR ${uln} <= 0 THEN ${UNKNOWN}`;
    if (!n.within) return `(CASE ${base} ${decide} END)`;
    const ref = cx.refCol(n.before ?? 'screening');
    // `through`: the window runs on past `before` up to that date (both known, so GREATEST sees no NULL).
    const through = n.through ? cx.refCol(n.through) : undefined;
    const to = through ? `GREATEST(${through}, ${ref})` : ref;
    // Only a result dated inside the window counts; an undated or older one stays unknown.
    return `(CASE ${base} WHEN ${ref} IS NULL${through ? ` OR ${through} IS NULL` : ''} OR ${date} IS NULL THEN ${UNKNOWN} WHEN ${date} < ${shiftSql(ref, n.within, -1)} OR ${date} > ${to} THEN ${UNKNOWN} ${decide} END)`;
  },
  // In the order the JS leaf checks: the value, the limit, the window's dates, the result's date, its window.
  missingSql(n, cx) {
    const [value, uln, date] = [cx.col(n.field, 'value'), cx.col(n.field, 'uln'), cx.col(n.field, 'date')];
    const part = (p: string) => cx.token(cx.path(n.field, p));
    const head = `WHEN ${value} IS NULL THEN ${part('value')} WHEN ${uln} IS NULL OR ${uln} <= 0 THEN ${part('uln')}`;
    if (!n.within) return `(CASE ${head} END)`;
    const before = n.before ?? 'screening';
    const ref = cx.refCol(before);
    const through = n.through ? cx.refCol(n.through) : undefined;
    const dates = missingList(cx.dialect, [when(`${ref} IS NULL`, cx.token(lit(REF_PATH[before]))), ...(n.through && through ? [when(`${through} IS NULL`, cx.token(lit(REF_PATH[n.through])))] : [])]);
    const from = shiftSql(ref, n.within, -1);
    const to = through ? `GREATEST(${through}, ${ref})` : ref;
    return `(CASE ${head} WHEN ${ref} IS NULL${through ? ` OR ${through} IS NULL` : ''} THEN ${dates} WHEN ${date} IS NULL THEN ${part('date')} WHEN ${date} < ${from} OR ${date} > ${to} THEN ${cx.token(cx.path(n.field), { kind: 'resultBetween', from: dateText(from), to: dateText(to) })} END)`;
  },
};
