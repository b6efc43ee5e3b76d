// `any`: at least one sub-rule must be met (Kleene or).
import { or } from '../engine/logic.js';
import { combined } from './kit.js';
import type { Condition, RuleKind } from './types.js';
import { listChildren, listDescription, listNode } from './list-kinds.js';

export type AnyOf = { kind: 'any'; note?: string | undefined; of: Condition[] };

export const any: RuleKind<AnyOf> = {
  kind: 'any',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('any'), note: k.note, get of() { return k.z.array(k.Condition).min(1); } }),
  children: listChildren,
  lint: (n, cx) => cx.combined('any', n.of),
  compile(n, cx) {
    const kids = n.of.map((x) => cx.child(x));
    return listNode('any', kids, (env) => {
      let open: 'unknown' | 'needs_review' | undefined;
      for (const kid of kids) {
        const o = kid.evaluate(env);
        if (o === 'met') return o;
        if (o === 'unknown') open = o;
        else if (o === 'needs_review' && open === undefined) open = o;
      }
      return open ?? 'not_met';
    }, (children) => combined('any', or(children.map((t) => t.outcome)), children, n.note));
  },
  describe: (n, cx) => listDescription('any of:', n.of, cx),
};
