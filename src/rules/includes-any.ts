// `includesAny`: a many-choice field holds at least one of the listed values.
import { fromBoolean } from '../engine/logic.js';
import { fact, fieldReader, leaf } from './kit.js';
import { checkEnumField, enumDisplay } from './enum-kinds.js';
import type { RuleKind } from './types.js';
import { lit, tri, when } from '../sql/kit.js';

export type IncludesAny = { kind: 'includesAny'; note?: string | undefined; field: string; values: string[] };
/** What an includesAny rule's trace records: the values, and those found. */
export type IncludesAnyDetail = { values: string; matched?: string };

export const includesAny: RuleKind<IncludesAny> = {
  kind: 'includesAny',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('includesAny'), field: k.FieldPath, values: k.z.array(k.z.string()).min(1), note: k.note }),
  check: (n, cx) => checkEnumField(n, cx, 'enumList'),
  reads: (n, cx) => cx.field(n.field),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, n.field);
    const label = enumDisplay(cx.dict, cx.scope, n.field);
    const values = n.values.map(label).join(', ');
    const wanted = new Set(n.values);
    return leaf('includesAny', n.note, (env, x) => {
      const value = r.read(env);
      if (!Array.isArray(value)) {
        env.missing.push({ field: r.path(env) });
        if (x) (x.facts.push(fact(r.path(env), r, null)), (x.detail = { values }));
        return 'unknown';
      }
      const list = value as string[];
      if (!x) return fromBoolean(list.some((v) => wanted.has(v)));
      const hits = list.filter((v) => wanted.has(v));
      x.facts.push(fact(r.path(env), r, list.map(label)));
      x.detail = { values, matched: hits.map(label).join(', ') };
      return fromBoolean(hits.length > 0);
    });
  },
  describe: (n, cx) => ({ text: `${cx.label(n.field)} include any of: ${cx.values(n.field, n.values)}` }),
  toSql(n, cx) {
    // An enum list is stored as ';a;b;' (';' when recorded empty): portable to every engine.
    const v = cx.col(n.field);
    return tri([v], `(${n.values.map((x) => `${v} LIKE ${lit(`%;${x};%`)}`).join(' OR ')})`);
  },
  missingSql: (n, cx) => when(`${cx.col(n.field)} IS NULL`, cx.token(cx.path(n.field))),
};
