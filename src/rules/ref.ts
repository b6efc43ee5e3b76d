// `ref`: a named definition (from the trial file or the shared definitions), compiled once.
import { own } from '../util/own.js';
import { combined } from './kit.js';
import type { RuleKind } from './types.js';

export type Ref = { kind: 'ref'; note?: string | undefined; definition: string };
/** What a ref node's trace records. */
export type RefDetail = { definition: string; description: string };

export const ref: RuleKind<Ref> = {
  kind: 'ref',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('ref'), definition: k.notReserved(k.z.string().min(1)), note: k.note }),
  check(n, cx) {
    if (!Object.hasOwn(cx.definitions, n.definition)) cx.report('unknown-definition', ['definition'], `unknown definition "${n.definition}"`);
  },
  compile(n, cx) {
    const def = cx.definition(n.definition);
    const detail = { definition: n.definition, description: def.description };
    return {
      kind: 'ref',
      evaluate: (env) => def.node.evaluate(env),
      explain(env) {
        const child = def.node.explain(env);
        return combined('ref', child.outcome, [child], n.note, detail);
      },
    };
  },
  describe(n, cx) {
    const def = own(cx.definitions, n.definition);
    if (!def) return { text: `definition ${n.definition}` };
    const inner = def.rule;
    // Show an any/all definition's parts directly under its description.
    if (inner.kind === 'any' || inner.kind === 'all') return { text: `${def.description} (${inner.kind} of):`, lines: inner.of.flatMap((x) => cx.lines(x)) };
    return { text: `${def.description}:`, lines: cx.lines(inner) };
  },
  toSql: (n, cx) => cx.definition(n.definition),
  missingSql: (n, cx) => cx.definitionMissing(n.definition),
};
