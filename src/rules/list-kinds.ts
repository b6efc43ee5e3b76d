// What all, any and atLeast share: a list of sub-rules evaluated in the same scope.
import { and, or, type Outcome } from '../engine/logic.js';
import type { Trace } from '../engine/result.js';
import { combined } from './kit.js';
import { and as andSql, missingList, or as orSql } from '../sql/kit.js';
import type { Child, CompiledNode, Condition, DescribeContext, Env, RuleKind, RuleLine, SqlContext } from './types.js';

export function listChildren(n: { of: Condition[] }): Child[] {
  return n.of.map((node, i) => ({ at: ['of', i], node }));
}

export function listDescription(text: string, of: Condition[], cx: DescribeContext): { text: string; lines: RuleLine[] } {
  return { text, lines: of.flatMap((x) => cx.lines(x)) };
}

/** evaluate: `decide` may stop early; the missing paths stay only when the outcome is unknown. */
export function listNode(kind: string, kids: CompiledNode[], decide: (env: Env) => Outcome, explainAll: (children: Trace[]) => Trace): CompiledNode {
  return {
    kind,
    evaluate(env) {
      const mark = env.missing.length;
      const o = decide(env);
      if (o !== 'unknown' && env.missing.length !== mark) env.missing.length = mark;
      return o;
    },
    explain: (env) => explainAll(kids.map((k) => k.explain(env))),
  };
}

/** A list's missing tokens: its unknown sub-rules', in order, while the list itself is unknown. */
export function listMissing(of: Condition[], cx: SqlContext, outcome: () => string): string {
  return cx.unknownOnly(outcome, missingList(cx.dialect, of.map((x) => cx.childMissing(x))));
}

/**
 * `all` and `any`: Kleene and/or. `decisive` is the outcome that settles the node at once
 * (not_met for all, met for any); `otherwise` is the outcome when no child is decisive or open.
 */
export function junction<K extends 'all' | 'any'>(kind: K, decisive: Outcome, otherwise: Outcome, words: string): RuleKind<{ kind: K; note?: string | undefined; of: Condition[] }> {
  const combine = kind === 'all' ? and : or;
  const combineSql = kind === 'all' ? andSql : orSql;
  return {
    kind,
    schema: (k) => k.z.strictObject({ kind: k.z.literal(kind), note: k.note, get of() { return k.z.array(k.Condition).min(1); } }),
    children: listChildren,
    lint: (n, cx) => cx.combined(kind, n.of),
    compile(n, cx) {
      const kids = n.of.map((x) => cx.child(x));
      return listNode(kind, kids, (env) => {
        let open: Outcome | undefined;
        for (const kid of kids) {
          const o = kid.evaluate(env);
          if (o === decisive) return o;
          // unknown wins over needs_review: collect data first.
          if (o === 'unknown') open = o;
          else if (o === 'needs_review' && open === undefined) open = o;
        }
        return open ?? otherwise;
      }, (children) => combined(kind, combine(children.map((t) => t.outcome)), children, n.note));
    },
    describe: (n, cx) => listDescription(words, n.of, cx),
    toSql: (n, cx) => combineSql(n.of.map((x) => cx.child(x))),
    missingSql: (n, cx) => listMissing(n.of, cx, () => combineSql(n.of.map((x) => cx.child(x)))),
  };
}
