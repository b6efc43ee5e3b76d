// Clinically amyopathic dermatomyositis by Sontheimer's revised classification
// (clinical-reference.md): biopsy-confirmed hallmark skin disease for at least 6 months and no
// clinical proximal weakness; muscle tests normal (amyopathic) or only subclinically abnormal
// (hypomyopathic). Both forms count; which one it is, is reported when the items say so.
// NOT checked: the exclusions of Sontheimer's 2002 definition (systemic immunosuppressive therapy
// for 2 or more consecutive months within the first 6 months of skin disease; drugs known to cause
// DM-like skin changes). The result says so (detail.unchecked), and a criterion using it should ask
// the investigator about them (NCT04946669 I1 does).
import * as z from 'zod/mini';
import type { Calculator } from '../calculators.js';
import { and, fromBoolean, type Outcome } from '../logic.js';
import type { Fact, Missing } from '../result.js';
import { booleanFact, paramProblems } from './completions.js';
// Built on first use: a trial uses few of the calculators (IM101-611 none).
import { lazySchema } from '../../util/lazy-schema.js';

const Params = lazySchema(() => z.strictObject({ minSkinMonths: z._default(z.number().check(z.gt(0)), 6) }));

export type SontheimerInputs = { skinMonths?: number; skinBiopsyConfirmed?: boolean; clinicalWeakness?: boolean };

/** The three conditions, each three-valued; met only when all hold. */
export function sontheimerCadm(i: SontheimerInputs, minSkinMonths = 6): Outcome {
  const months: Outcome = i.skinMonths === undefined ? 'unknown' : fromBoolean(i.skinMonths >= minSkinMonths);
  const biopsy: Outcome = i.skinBiopsyConfirmed === undefined ? 'unknown' : fromBoolean(i.skinBiopsyConfirmed);
  const noWeakness: Outcome = i.clinicalWeakness === undefined ? 'unknown' : fromBoolean(!i.clinicalWeakness);
  return and([months, biopsy, noWeakness]);
}

/** amyopathic: enzymes, EMG and biopsy all normal; hypomyopathic: any of them abnormal. */
export function sontheimerForm(subclinical: (boolean | undefined)[]): 'amyopathic' | 'hypomyopathic' | null {
  if (subclinical.some((v) => v === true)) return 'hypomyopathic';
  if (subclinical.every((v) => v === false)) return 'amyopathic';
  return null;
}

/** What this calculator does not check, stated with every result. */
export const SONTHEIMER_UNCHECKED =
  'the exclusions of the 2002 definition (systemic immunosuppressive therapy for 2 or more consecutive months within the first 6 months of skin disease; drugs known to cause DM-like skin changes)';

const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** The calculator's inputs by the names its facts carry (item metadata, as Bohan and Peter's items). */
export const SONTHEIMER_ITEMS = {
  skinMonths: 'hallmark skin disease for',
  biopsy: 'confirmed by skin biopsy',
  weakness: 'clinical proximal weakness',
} as const;

export const sontheimerCadmCalculator: Calculator<z.infer<ReturnType<typeof Params>>> = {
  inputs: { fields: ['diagnosis.sontheimerSkinMonths', 'diagnosis.skinBiopsyConfirmed', 'bohanPeter.weakness', 'bohanPeter.enzymes', 'bohanPeter.emg', 'bohanPeter.biopsy'] },
  description: 'Clinically amyopathic DM (revised Sontheimer)',
  checkParams: (params) => paramProblems(Params(), params),
  prepare: (raw) => Params().parse(raw),
  evaluate(ctx, { minSkinMonths }) {
    const monthsRaw = ctx.get('diagnosis.sontheimerSkinMonths');
    const inputs: SontheimerInputs = {};
    if (typeof monthsRaw === 'number') inputs.skinMonths = monthsRaw;
    const biopsy = bool(ctx.get('diagnosis.skinBiopsyConfirmed'));
    if (biopsy !== undefined) inputs.skinBiopsyConfirmed = biopsy;
    const weakness = bool(ctx.get('bohanPeter.weakness'));
    if (weakness !== undefined) inputs.clinicalWeakness = weakness;
    const facts: Fact[] = [
      { field: 'diagnosis.sontheimerSkinMonths', label: SONTHEIMER_ITEMS.skinMonths, value: inputs.skinMonths ?? null, unit: 'months' },
      booleanFact('diagnosis.skinBiopsyConfirmed', SONTHEIMER_ITEMS.biopsy, biopsy),
      booleanFact('bohanPeter.weakness', SONTHEIMER_ITEMS.weakness, weakness),
    ];
    const missing: Missing[] = [];
    if (inputs.skinMonths === undefined) missing.push({ field: 'diagnosis.sontheimerSkinMonths' });
    if (biopsy === undefined) missing.push({ field: 'diagnosis.skinBiopsyConfirmed' });
    if (weakness === undefined) missing.push({ field: 'bohanPeter.weakness' });
    const outcome = sontheimerCadm(inputs, minSkinMonths);
    const form = sontheimerForm(['bohanPeter.enzymes', 'bohanPeter.emg', 'bohanPeter.biopsy'].map((p) => bool(ctx.get(p))));
    return { outcome, facts, missing, detail: { minSkinMonths, form, unchecked: SONTHEIMER_UNCHECKED } };
  },
};
