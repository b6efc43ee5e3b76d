// `count`: the number of records (matching `where`) against a threshold; decided only when every
// possible count of the open records gives the same answer.
import { countCompare, isOpen, openOf } from '../engine/logic.js';
import { cmp } from './kit.js';
import { checkRecords, compileQuantifier, describeRecords, quantifierChildren, readRecords } from './quantifier.js';
import type { ComparisonOp, Condition, RuleKind } from './types.js';
import { MET, NOT_MET, REVIEW, UNKNOWN, countRange } from '../sql/kit.js';

export type Count = { kind: 'count'; note?: string | undefined; records: string; op: ComparisonOp; n: number; where?: Condition | undefined };

export const count: RuleKind<Count> = {
  kind: 'count',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('count'),
      records: k.FieldPath,
      op: k.ComparisonOp,
      n: k.z.number().int().nonnegative(),
      note: k.note,
      get where() { return k.Condition.optional(); },
    }),
  children: quantifierChildren,
  check: checkRecords,
  range: (n) => ({ key: `count|${n.records}|${JSON.stringify(n.where ?? null)}`, what: `the count of ${n.records}`, op: n.op, value: n.n, lo: 0, hi: Infinity, integer: true, text: `count of ${n.records} ${n.op} ${n.n}` }),
  reads: readRecords,
  compile(n, cx) {
    const bounds = (outcomes: import('../engine/logic.js').Outcome[]) => {
      let low = 0;
      let open = 0;
      for (const o of outcomes) if (o === 'met') low++;
      else if (isOpen(o)) open++;
      return { low, high: low + open };
    };
    return compileQuantifier(
      n,
      cx,
      {
        item: (w) => w,
        all(outcomes, incomplete) {
          const { low, high } = bounds(outcomes);
          // Any number of unrecorded records may match: beyond n + 1 no comparison with n changes.
          return countCompare(low, incomplete ? Math.max(high, n.n + 1) : high, (k) => cmp(n.op, k, n.n), openOf(outcomes));
        },
        detail: (outcomes, incomplete) => {
          const { low, high } = bounds(outcomes);
          return { op: n.op, n: n.n, low, high: incomplete ? null : high };
        },
      },
      { records: n.records, op: n.op, n: n.n },
    );
  },
  describe: (n, cx) => ({
    text: `the number of ${describeRecords(cx, n.records)} records${n.where ? ' where the following holds' : ''} ${cx.op(n.op)} ${n.n}${n.where ? ':' : ''}`,
    lines: n.where ? cx.lines(n.where, n.records) : [],
  }),
  toSql(n, cx) {
    const [allTrue, allFalse] = countRange(n.op, n.n, `SUM(CASE WHEN x.io = ${MET} THEN 1 ELSE 0 END)`, `SUM(CASE WHEN x.io <> ${NOT_MET} THEN 1 ELSE 0 END)`);
    const aggregate = `(CASE WHEN ${allTrue} THEN ${MET} WHEN ${allFalse} THEN ${NOT_MET} WHEN MAX(CASE WHEN x.io = ${UNKNOWN} THEN 1 ELSE 0 END) = 1 THEN ${UNKNOWN} ELSE ${REVIEW} END)`;
    // Records that may be missing: any number more may match (beyond n + 1 none changes the answer),
    // and the one standing in for them is unknown.
    const [someTrue, someFalse] = countRange(n.op, n.n, `SUM(CASE WHEN x.io = ${MET} THEN 1 ELSE 0 END)`, `GREATEST(SUM(CASE WHEN x.io <> ${NOT_MET} THEN 1 ELSE 0 END), ${n.n + 1})`);
    const emptyIncomplete = countCompare(0, n.n + 1, (k) => cmp(n.op, k, n.n), 'unknown');
    const incomplete = { aggregate: `(CASE WHEN ${someTrue} THEN ${MET} WHEN ${someFalse} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`, empty: emptyIncomplete === 'met' ? MET : emptyIncomplete === 'not_met' ? NOT_MET : UNKNOWN };
    return cx.records(n, { item: (where) => where ?? String(MET), aggregate, empty: cmp(n.op, 0, n.n) ? MET : NOT_MET, incomplete });
  },
  missingSql: (n, cx) => cx.recordsMissing(n),
};
