// Plain-words descriptions of rules (not results), for `screen show`: what the tool checks for each
// criterion, with the dictionary's field labels and allowed-value labels instead of field paths.
// Each kind words itself (src/rules/<kind>.ts `describe`); this walks the tree.
import type { Dictionary } from '../criteria/dictionary.js';
import { fieldLabel, recordItemField } from '../criteria/dictionary.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import { ruleOf, type Condition } from '../rules/registry.js';
import type { Definitions, DescribeContext, RuleLine } from '../rules/types.js';
import { op } from './describe.js';

export type { RuleLine };
type Ctx = { dict: Dictionary; definitions: Definitions; trialId: string; scope?: string | undefined };

/** The rule as indented lines; definitions are expanded under their description. */
export function ruleLines(c: Condition, ctx: Ctx, depth = 0): RuleLine[] {
  const { dict, scope } = ctx;
  const inScope = (field: string) => (scope && !field.includes('.') ? scope : undefined);
  const cx: DescribeContext = {
    dict,
    definitions: ctx.definitions,
    trialId: ctx.trialId,
    scope,
    depth,
    label: (field) => fieldLabel(dict, field, inScope(field)),
    values(field, values) {
      const def = inScope(field) ? recordItemField(dict, scope as string, field) : dict.fields.get(field);
      return values.map((v) => (def && (def.type === 'enum' || def.type === 'enumList') ? enumLabel(def.values, v) : v)).join(', ');
    },
    unit(field) {
      const def = dict.fields.get(field);
      return def && 'unit' in def ? def.unit : undefined;
    },
    op,
    lines: (node, records, extra = 0) => ruleLines(node, { ...ctx, scope: records ?? scope }, depth + 1 + extra),
  };
  const { text, lines = [] } = ruleOf(c).describe(c, cx);
  return [{ depth, text: c.note ? `${c.note} — ${text}` : text }, ...lines];
}
