// What all, any and atLeast share: a list of sub-rules evaluated in the same scope.
import type { Outcome } from '../engine/logic.js';
import type { Trace } from '../engine/result.js';
import type { Child, CompiledNode, Condition, DescribeContext, Env, RuleLine } from './types.js';

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
      if (o !== 'unknown') env.missing.length = mark;
      return o;
    },
    explain: (env) => explainAll(kids.map((k) => k.explain(env))),
  };
}
