// `doseUnits`: what the medication record's dose history shows about how the drug was given (every
// dose in mg/day: taken daily, so its dates are the time it was taken). A fact about the record,
// as `known` is, never unknown: no dose history, or a dose in another unit or without one, is "no".
import { fromBoolean } from '../engine/logic.js';
import type { Fact } from '../engine/result.js';
import { fieldReader, leaf } from './kit.js';
import { checkMedicationScope, type Medication } from './medication-kinds.js';
import type { RuleKind } from './types.js';
import { bool, DOSES_SUFFIX, lit, q, ROW } from '../sql/kit.js';

export type DoseUnits = { kind: 'doseUnits'; note?: string | undefined; units: string[] };
/** What a doseUnits rule's trace records: the units it accepts (its fact: the units recorded). */
export type DoseUnitsDetail = { units: string; withoutUnit?: number };

export const doseUnits: RuleKind<DoseUnits> = {
  kind: 'doseUnits',
  schema: (k) =>
    k.z.strictObject({
      kind: k.z.literal('doseUnits'),
      units: k.z.array(k.z.string()).min(1).describe('Dose units of the dictionary (medications.doses): met when a dose history is recorded and every dose in it is in one of them.'),
      note: k.note,
    }),
  check(n, cx) {
    checkMedicationScope(n, cx);
    // (Outside a medication record there is no dose history to check the units against.)
    const scope = cx.scope ? cx.dict.fields.get(cx.scope) : undefined;
    if (scope?.type !== 'records' || scope.kindOf !== 'medication') return;
    const def = cx.field(['units'], 'doses');
    if (!def || !cx.expectType(['units'], 'doses', def, ['doseHistory']) || def.type !== 'doseHistory') return;
    for (const [i, u] of n.units.entries()) if (def.units && !def.units.includes(u)) cx.report('unit-mismatch', ['units', i], `"${u}" is not a dose unit of the dictionary (${def.units.join(', ')})`);
  },
  reads: (_n, cx) => cx.field('doses'),
  compile(n, cx) {
    const r = fieldReader(cx.dict, cx.scope, 'doses');
    const accepted = new Set(n.units);
    const units = n.units.join(', ');
    return leaf('doseUnits', n.note, (env, x) => {
      const doses = (env.item as Medication | undefined)?.doses;
      const recorded = Array.isArray(doses) ? doses : [];
      if (x) {
        // The fact: the units the doses are recorded in (a dose without one is counted in the detail).
        const given = [...new Set(recorded.flatMap((d) => (d.unit === undefined ? [] : [d.unit])))];
        const withoutUnit = recorded.filter((d) => d.unit === undefined).length;
        x.facts.push({ field: r.path(env), label: r.label, value: recorded.length ? given : null } satisfies Fact);
        x.detail = { units, ...(withoutUnit ? { withoutUnit } : {}) };
      }
      return fromBoolean(recorded.length > 0 && recorded.every((d) => d.unit !== undefined && accepted.has(d.unit)));
    });
  },
  describe: (n) => ({ text: `every recorded dose is in ${n.units.join(' or ')} (no dose history recorded: no)` }),
  toSql(n, cx) {
    const { records } = cx.medication();
    const doses = q(`${records}${DOSES_SUFFIX}`);
    const t = cx.memo(n, () =>
      cx.join('du', true, () => `SELECT d.${q(ROW)}, d.${q('idx')}, COUNT(*) AS n, MAX(CASE WHEN d.${q('unit')} IS NULL OR d.${q('unit')} NOT IN (${n.units.map(lit).join(', ')}) THEN 1 ELSE 0 END) AS other FROM ${doses} AS d GROUP BY d.${q(ROW)}, d.${q('idx')}`),
    );
    return bool(`${t}.n IS NOT NULL AND ${t}.other = 0`);
  },
  // Never unknown: it needs nothing.
  missingSql: () => 'NULL',
};
