// `all`: every sub-rule must be met (Kleene and).
import { and } from '../engine/logic.js';
import { combined } from './kit.js';
import type { Condition, RuleKind } from './types.js';
import { listChildren, listDescription, listNode } from './list-kinds.js';

export type All = { kind: 'all'; note?: string | undefined; of: Condition[] };

export const all: RuleKind<All> = {
  kind: 'all',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('all'), note: k.note, get of() { return k.z.array(k.Condition).min(1); } }),
  children: listChildren,
  lint: (n, cx) => cx.combined('all', n.of),
  compile(n, cx) {
    const kids = n.of.map((x) => cx.child(x));
    return listNode('all', kids, (env) => {
      let open: 'unknown' | 'needs_review' | undefined;
      for (const kid of kids) {
        const o = kid.evaluate(env);
        if (o === 'not_met') return o;
        if (o === 'unknown') open = o;
        else if (o === 'needs_review' && open === undefined) open = o;
      }
      return open ?? 'met';
    }, (children) => combined('all', and(children.map((t) => t.outcome)), children, n.note));
  },
  describe: (n, cx) => listDescription('all of:', n.of, cx),
};
