// `forAll`: every record (that matches `where`) meets `check`.
import { and, not, or } from '../engine/logic.js';
import { checkRecords, compileQuantifier, describeRecords, quantifierChildren, readRecords } from './quantifier.js';
import type { Condition, RuleKind } from './types.js';
import { MET, UNKNOWN, and as andSql, not as notSql, or as orSql } from '../sql/kit.js';

export type ForAll = { kind: 'forAll'; note?: string | undefined; records: string; where?: Condition | undefined; check: Condition };

export const forAll: RuleKind<ForAll> = {
  kind: 'forAll',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('forAll'),
      records: k.FieldPath,
      note: k.note,
      get where() { return k.Condition.optional(); },
      get check() { return k.Condition; },
    }),
  children: quantifierChildren,
  check: checkRecords,
  reads: readRecords,
  // (where -> check) == not(where) or check
  compile: (n, cx) => compileQuantifier(n, cx, { item: (w, c) => or([not(w), c ?? 'met']), all: and, stop: 'not_met' }, { records: n.records }),
  describe(n, cx) {
    const d = cx.depth + 1;
    return {
      text: `every ${describeRecords(cx, n.records)} record${n.where ? ' that matches' : ''}:`,
      lines: [...(n.where ? [{ depth: d, text: 'matches when:' }, ...cx.lines(n.where, n.records, 1)] : []), { depth: d, text: 'must meet:' }, ...cx.lines(n.check, n.records, 1)],
    };
  },
  toSql: (n, cx) => cx.records(n, { item: (where, check) => (where ? orSql([notSql(where), check as string]) : (check as string)), aggregate: 'MIN(x.io)', empty: MET, incomplete: { from: (o) => andSql([o, String(UNKNOWN)]) } }),
  missingSql: (n, cx) => cx.recordsMissing(n),
};
