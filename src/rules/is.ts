// `is`: a yes/no field has the expected answer.
import { fromBoolean } from '../engine/logic.js';
import { fact, fieldReader, leaf, fieldMissing } from './kit.js';
import type { RuleKind } from './types.js';
import { tri, when } from '../sql/kit.js';

export type Is = { kind: 'is'; note?: string | undefined; field: string; value: boolean };
/** What an is rule's trace records. */
export type IsDetail = { expected: boolean };

export const is: RuleKind<Is> = {
  kind: 'is',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('is'), field: k.FieldPath, value: k.z.boolean().default(true), note: k.note }),
  check: (n, cx) => void cx.expectType([], n.field, cx.field([], n.field), ['boolean']),
  reads: (n, cx) => cx.field(n.field),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const detail = { expected: n.value };
    return leaf('is', n.note, (env, x) => {
      const value = r.read(env);
      if (x) x.detail = detail;
      if (typeof value !== 'boolean') return fieldMissing(env, x, r);
      if (x) x.facts.push(fact(r.path(env), r, value));
      return fromBoolean(value === n.value);
    });
  },
  describe: (n, cx) => ({ text: `${cx.label(n.field)}: ${n.value ? 'yes' : 'no'}` }),
  toSql(n, cx) {
    const v = cx.col(n.field);
    return tri([v], `${v} = ${n.value ? 'TRUE' : 'FALSE'}`);
  },
  missingSql: (n, cx) => when(`${cx.col(n.field)} IS NULL`, cx.token(cx.path(n.field))),
};
