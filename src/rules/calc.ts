// `calc`: a built-in clinical calculator (src/engine/calculators); its params are parsed once,
// when the rule is compiled.
import { enumLabel, recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import { CALCULATORS } from '../engine/calculators.js';
import { getPath } from '../engine/patient-record.js';
import { own } from '../util/own.js';
import { leaf } from './kit.js';
import type { RuleKind } from './types.js';

export type Calc = { kind: 'calc'; note?: string | undefined; calculator: string; params?: Record<string, unknown> | undefined };
/** What a calc node's trace records: the calculator, and whatever the calculator reports. */
export type CalcDetail = { calculator: string; description: string } & Record<string, string | number | boolean | null>;

function calculatorOf(name: string) {
  return own(CALCULATORS, name);
}

/** A medication's drug code -> its label from the dictionary (the code where it has none). */
function drugLabels(dict: Dictionary): ((code: string) => string) | undefined {
  const def = recordItemField(dict, 'medications', 'drug');
  return def?.type === 'enum' ? (code) => enumLabel(def.values, code) : undefined;
}

export const calc: RuleKind<Calc> = {
  kind: 'calc',
  schema: (k) => k.z.strictObject({ kind: k.z.literal('calc'), calculator: k.z.string().min(1), note: k.note, params: k.z.record(k.z.string(), k.z.unknown()).optional() }),
  check(n, cx) {
    const calculator = calculatorOf(n.calculator);
    if (!calculator) cx.report('unknown-calculator', ['calculator'], `unknown calculator "${n.calculator}" (${Object.keys(CALCULATORS).join(', ')})`);
    for (const message of calculator?.checkParams?.(n.params ?? {}) ?? []) cx.report('criteria', ['params'], message);
  },
  reads: (n, cx) => cx.calculatorInputs(n.calculator, n.params ?? {}),
  compile(n, cx) {
    const calculator = calculatorOf(n.calculator);
    if (!calculator) throw new Error(`unknown calculator ${n.calculator}`);
    const params = calculator.prepare(n.params ?? {});
    const base = { calculator: n.calculator, description: calculator.description };
    const drugLabel = drugLabels(cx.dict);
    return leaf('calc', n.note, (env, x) => {
      const r = calculator.evaluate({ get: (p) => getPath(env.patient, p), referenceDate: (name) => env.dates[name], ...(drugLabel ? { drugLabel } : {}) }, params);
      for (const m of r.missing) env.missing.push(m);
      if (x) (x.facts.push(...r.facts), (x.detail = { ...base, ...(r.detail ?? {}) }));
      return r.outcome;
    });
  },
  describe: (n) => ({ text: `calculated: ${calculatorOf(n.calculator)?.description ?? n.calculator}` }),
  toSql: (n, cx) => cx.calculator(n.calculator, n.params ?? {}),
  missingSql: (n, cx) => cx.calculatorMissing(n.calculator, n.params ?? {}),
};
