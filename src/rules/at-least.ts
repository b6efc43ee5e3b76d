// `atLeast`: n of the sub-rules must be met; not met once the open ones could not reach n.
import { atLeast as atLeastOf } from '../engine/logic.js';
import { combined } from './kit.js';
import type { Condition, RuleKind, SqlContext } from './types.js';
import { listChildren, listDescription, listMissing, listNode } from './list-kinds.js';
import { MET, NOT_MET, REVIEW, UNKNOWN } from '../sql/kit.js';

export type AtLeast = { kind: 'atLeast'; note?: string | undefined; n: number; of: Condition[] };
/** What an atLeast node's trace records. */
export type AtLeastDetail = { n: number; of: number; metCount: number };

export const atLeast: RuleKind<AtLeast> = {
  kind: 'atLeast',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('atLeast'), n: k.z.number().int().positive(), note: k.note, get of() { return k.z.array(k.Condition).min(1); } }),
  children: listChildren,
  check(n, cx) {
    if (n.n > n.of.length) cx.report('never-met', ['n'], `needs ${n.n} of only ${n.of.length} conditions: can never be met`);
  },
  compile(n, cx) {
    const kids = n.of.map((x) => cx.child(x));
    return listNode('atLeast', kids, (env) => {
      let met = 0;
      let open = 0;
      let unknown = false;
      for (const kid of kids) {
        const o = kid.evaluate(env);
        if (o === 'met') met++;
        else if (o !== 'not_met') {
          open++;
          if (o === 'unknown') unknown = true;
        }
      }
      if (met >= n.n) return 'met';
      if (met + open < n.n) return 'not_met';
      return unknown ? 'unknown' : 'needs_review';
    }, (children) => {
      const metCount = children.filter((t) => t.outcome === 'met').length;
      return combined('atLeast', atLeastOf(n.n, children.map((t) => t.outcome)), children, n.note, { n: n.n, of: children.length, metCount });
    });
  },
  describe: (n, cx) => listDescription(`at least ${n.n} of these ${n.of.length}:`, n.of, cx),
  toSql: (n, cx) => atLeastSql(n, cx),
  missingSql: (n, cx) => listMissing(n.of, cx, () => atLeastSql(n, cx)),
};

function atLeastSql(n: AtLeast, cx: SqlContext): string {
  const kids = n.of.map((x) => cx.child(x));
  const count = (test: string) => `(${kids.map((k) => `(CASE WHEN ${k} ${test} THEN 1 ELSE 0 END)`).join(' + ')})`;
  return `(CASE WHEN ${count(`= ${MET}`)} >= ${n.n} THEN ${MET} WHEN ${count(`<> ${NOT_MET}`)} < ${n.n} THEN ${NOT_MET} WHEN ${count(`= ${UNKNOWN}`)} > 0 THEN ${UNKNOWN} ELSE ${REVIEW} END)`;
}
