// `not`: met when the sub-rule is not met; open stays open.
import { not as notOf } from '../engine/logic.js';
import { combined } from './kit.js';
import type { Condition, RuleKind } from './types.js';
import { not as notSql } from '../sql/kit.js';

export type Not = { kind: 'not'; note?: string | undefined; of: Condition };

export const not: RuleKind<Not> = {
  kind: 'not',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('not'), note: k.note, get of() { return k.Condition; } }),
  children: (n) => [{ at: ['of'], node: n.of }],
  compile(n, cx) {
    const kid = cx.child(n.of);
    return {
      kind: 'not',
      evaluate: (env) => notOf(kid.evaluate(env)),
      explain(env) {
        const child = kid.explain(env);
        return combined('not', notOf(child.outcome), [child], n.note);
      },
    };
  },
  describe: (n, cx) => ({ text: 'not:', lines: cx.lines(n.of) }),
  toSql: (n, cx) => notSql(cx.child(n.of)),
  // Unknown exactly when its sub-rule is.
  missingSql: (n, cx) => cx.childMissing(n.of),
};
