// `known`: the field is recorded, whatever its value.
import { fromBoolean } from '../engine/logic.js';
import type { Fact } from '../engine/result.js';
import { enumDisplay } from './enum-kinds.js';
import { fact, fieldReader, leaf } from './kit.js';
import type { RuleKind } from './types.js';
import { bool } from '../sql/kit.js';

export type Known = { kind: 'known'; note?: string | undefined; field: string };
/**
 * A known rule's trace records its fact (the value as recorded: a code for a field of choices) and,
 * for a field of choices, `shown`: the value's label from the criteria files, for reports to show.
 */
export type KnownDetail = { shown: string };

function display(v: unknown): Fact['value'] {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return JSON.stringify(v);
}

export const known: RuleKind<Known> = {
  kind: 'known',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('known'), field: k.FieldPath, note: k.note }),
  check: (n, cx) => void cx.field([], n.field),
  reads: (n, cx) => cx.field(n.field),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const label = enumDisplay(cx.dict, cx.scope, n.field);
    return leaf('known', n.note, (env, x) => {
      const value = r.read(env);
      const isKnown = value !== undefined && value !== null;
      if (x) x.facts.push(isKnown ? fact(r.path(env), r, display(value)) : { field: r.path(env), label: r.label, value: null });
      const shown = typeof value === 'string' ? label(value) : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map(label).join(', ') : undefined;
      if (x && shown !== undefined && shown !== (Array.isArray(value) ? value.join(', ') : value)) x.detail = { shown };
      return fromBoolean(isKnown);
    });
  },
  describe: (n, cx) => ({ text: `${cx.label(n.field)} is recorded` }),
  toSql(n, cx) {
    const def = cx.field(n.field);
    const parts = def?.type === 'lab' ? ['value', 'uln', 'date'] : def?.type === 'scale' ? ['score', 'max'] : [undefined];
    return bool(parts.map((p) => `${cx.col(n.field, p)} IS NOT NULL`).join(' OR '));
  },
  // Never unknown: it needs nothing.
  missingSql: () => 'NULL',
};
