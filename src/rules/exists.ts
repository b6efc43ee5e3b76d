// `exists`: at least one record of a list matches.
import { or } from '../engine/logic.js';
import { checkRecords, compileQuantifier, describeRecords, quantifierChildren, readRecords } from './quantifier.js';
import type { Condition, RuleKind } from './types.js';
import { MET, NOT_MET, UNKNOWN, or as orSql, swap } from '../sql/kit.js';

export type Exists = { kind: 'exists'; note?: string | undefined; records: string; where: Condition };

export const exists: RuleKind<Exists> = {
  kind: 'exists',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('exists'), records: k.FieldPath, note: k.note, get where() { return k.Condition; } }),
  children: quantifierChildren,
  check: checkRecords,
  reads: readRecords,
  compile: (n, cx) => compileQuantifier(n, cx, { item: (w) => w, all: or, stop: 'met' }, { records: n.records }),
  describe: (n, cx) => ({ text: `any ${describeRecords(cx, n.records)} record where:`, lines: cx.lines(n.where, n.records) }),
  toSql: (n, cx) => cx.records(n, { item: (where) => where ?? String(MET), aggregate: swap(`MAX(${swap('x.io')})`), empty: NOT_MET, incomplete: { from: (o) => orSql([o, String(UNKNOWN)]) } }),
  missingSql: (n, cx) => cx.recordsMissing(n),
};
