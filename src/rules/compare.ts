// `compare`: a number (or a score on a named scale) against a threshold.
import { fromBoolean } from '../engine/logic.js';
import type { Fact } from '../engine/result.js';
import { cmp, fact, fieldReader, leaf, fieldMissing } from './kit.js';
import type { ComparisonOp, RuleKind } from './types.js';
import { MET, NOT_MET, SQL_OPS, UNKNOWN, tri, when } from '../sql/kit.js';

export type Compare = { kind: 'compare'; note?: string | undefined; field: string; op: ComparisonOp; value: number | boolean | string; unit?: string | undefined; scaleMax?: number | undefined };
/** What a compare rule's trace records. */
export type CompareDetail = { op: ComparisonOp; threshold: number; unit: string | null; scaleMax?: number; scaleMismatch?: true };

export const compare: RuleKind<Compare> = {
  kind: 'compare',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('compare'),
      field: k.FieldPath,
      op: k.ComparisonOp,
      value: k.z.union([k.z.number(), k.z.boolean(), k.z.string()]),
      unit: k.z.string().optional().describe("The threshold's unit; must be the field's unit."),
      scaleMax: k.z.number().positive().optional().describe('For scale fields: the scale maximum the threshold refers to.'),
      note: k.note,
    }),
  check(n, cx) {
    const def = cx.field([], n.field);
    if (!cx.expectType([], n.field, def, ['number', 'integer', 'scale'])) return;
    if (typeof n.value !== 'number') cx.report('field-type', ['value'], 'compare needs a number');
    if (def && def.type === 'scale') {
      if (n.scaleMax === undefined) cx.report('scale', [], `"${n.field}" is a scale field: say which scale the threshold is on (scaleMax)`);
      else if (!def.scales.includes(n.scaleMax)) cx.report('scale', ['scaleMax'], `scale ${n.scaleMax} is not one of ${def.scales.join(', ')}`);
    }
    if (def && n.unit !== undefined && 'unit' in def && def.unit !== n.unit) cx.report('unit-mismatch', ['unit'], `unit "${n.unit}" does not match the field's unit "${def.unit ?? '(none)'}"`);
  },
  lint(n, cx) {
    const def = cx.field(n.field);
    if (def?.type !== 'number' && def?.type !== 'integer' && def?.type !== 'scale') return;
    if (n.unit !== undefined && def.unit === undefined) cx.warn('unit-mismatch', ['unit'], `"${n.unit}" is given but ${n.field} has no unit`);
    if (n.unit === undefined && def.unit !== undefined) cx.warn('unit-missing', [], `${n.field} is in ${def.unit}; state it (unit: ${def.unit}) so a reader can check the threshold`);
  },
  range(n, cx) {
    if (typeof n.value !== 'number') return undefined;
    const def = cx.field(n.field);
    let lo = -Infinity;
    let hi = Infinity;
    let integer = false;
    if (def?.type === 'scale' && n.scaleMax !== undefined) [lo, hi] = [0, n.scaleMax];
    else if (def?.type === 'number' || def?.type === 'integer') [lo, hi, integer] = [def.min ?? -Infinity, def.max ?? Infinity, def.type === 'integer'];
    return { key: `compare|${cx.scope ?? ''}|${n.field}|${n.scaleMax ?? ''}`, what: n.field, op: n.op, value: n.value, lo, hi, integer, text: `${n.field} ${n.op} ${n.value}` };
  },
  reads: (n, cx) => cx.field(n.field),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const threshold = n.value as number;
    const detail = { op: n.op, threshold, unit: n.unit ?? r.unit ?? null, ...(n.scaleMax ? { scaleMax: n.scaleMax } : {}) };
    const scaleMax = n.scaleMax;
    return leaf('compare', n.note, (env, x) => {
      const value = r.read(env);
      if (x) x.detail = detail;
      if (value === undefined || value === null) return fieldMissing(env, x, r);
      if (scaleMax !== undefined) {
        const s = value as { score?: number; max?: number };
        if (typeof s.score !== 'number') {
          env.missing.push({ field: `${r.path(env)}.score` });
          return 'unknown';
        }
        const f: Fact = { field: r.path(env), label: r.label, value: s.score, unit: `/${s.max}` };
        if (x) x.facts.push(f);
        if (s.max !== scaleMax) {
          env.missing.push({ field: r.path(env), need: { kind: 'scale', max: scaleMax } });
          if (x) x.detail = { ...detail, scaleMismatch: true };
          return 'unknown';
        }
        return fromBoolean(cmp(n.op, s.score, threshold));
      }
      if (x) x.facts.push(fact(r.path(env), r, value as number));
      return fromBoolean(cmp(n.op, value as number, threshold));
    });
  },
  describe(n, cx) {
    const unit = n.unit ?? cx.unit(n.field);
    return { text: `${cx.label(n.field)} ${cx.op(n.op)} ${n.value}${unit ? ` ${unit}` : ''}${n.scaleMax ? ` on the 0–${n.scaleMax} scale` : ''}` };
  },
  toSql(n, cx) {
    if (typeof n.value !== 'number') cx.notExpressible('a comparison with a non-number');
    const op = SQL_OPS[n.op] as string;
    if (n.scaleMax !== undefined) {
      const score = cx.col(n.field, 'score');
      const max = cx.col(n.field, 'max');
      // A score on another scale (or without one) is unknown, never compared.
      return `(CASE WHEN ${score} IS NULL THEN ${UNKNOWN} WHEN ${max} IS NULL OR ${max} <> ${n.scaleMax} THEN ${UNKNOWN} WHEN ${score} ${op} ${n.value} THEN ${MET} ELSE ${NOT_MET} END)`;
    }
    const def = cx.field(n.field);
    if (def && def.type !== 'number' && def.type !== 'integer') cx.notExpressible(`a comparison on a ${def.type} field`);
    const v = cx.col(n.field);
    return tri([v], `${v} ${op} ${n.value}`);
  },
  missingSql(n, cx) {
    if (n.scaleMax === undefined) return when(`${cx.col(n.field)} IS NULL`, cx.token(cx.path(n.field)));
    const [score, max] = [cx.col(n.field, 'score'), cx.col(n.field, 'max')];
    // Nothing recorded: the field; a score without one: its score; a score on another scale: the scale.
    return `(CASE WHEN ${score} IS NULL AND ${max} IS NULL THEN ${cx.token(cx.path(n.field))} WHEN ${score} IS NULL THEN ${cx.token(cx.path(n.field, 'score'))} WHEN ${max} IS NULL OR ${max} <> ${n.scaleMax} THEN ${cx.token(cx.path(n.field), { kind: 'scale', max: `'${n.scaleMax}'` })} END)`;
  },
};
