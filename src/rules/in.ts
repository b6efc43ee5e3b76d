// `in`: a one-choice field holds one of the listed values.
import { fromBoolean } from '../engine/logic.js';
import { fact, fieldReader, leaf, fieldMissing } from './kit.js';
import { checkEnumField, enumDisplay } from './enum-kinds.js';
import type { RuleKind } from './types.js';
import { lit, tri, when } from '../sql/kit.js';

export type In = { kind: 'in'; note?: string | undefined; field: string; values: string[] };
/** What an in rule's trace records: the allowed values, in words. */
export type InDetail = { values: string };

export const inValues: RuleKind<In> = {
  kind: 'in',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('in'), field: k.FieldPath, values: k.z.array(k.z.string()).min(1), note: k.note }),
  check: (n, cx) => checkEnumField(n, cx, 'enum'),
  lint(n, cx) {
    const def = cx.field(n.field);
    if (def?.type === 'enum' && Object.keys(def.values).every((v) => n.values.includes(v))) {
      cx.warn('lists-every-value', ['values'], `lists every allowed value of ${n.field}, so it only checks that it is recorded (use kind: known)`);
    }
  },
  reads: (n, cx) => cx.field(n.field),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const label = enumDisplay(cx.dict, cx.scope, n.field);
    const detail = { values: n.values.map(label).join(', ') };
    const allowed = new Set(n.values);
    return leaf('in', n.note, (env, x) => {
      const value = r.read(env);
      if (x) x.detail = detail;
      if (typeof value !== 'string') return fieldMissing(env, x, r);
      if (x) x.facts.push(fact(r.path(env), r, label(value)));
      return fromBoolean(allowed.has(value));
    });
  },
  describe: (n, cx) => ({ text: `${cx.label(n.field)} is one of: ${cx.values(n.field, n.values)}` }),
  toSql(n, cx) {
    const v = cx.col(n.field);
    return tri([v], `${v} IN (${n.values.map(lit).join(', ')})`);
  },
  missingSql: (n, cx) => when(`${cx.col(n.field)} IS NULL`, cx.token(cx.path(n.field))),
};
