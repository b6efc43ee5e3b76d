// Registry of built-in clinical calculators usable from rules (`kind: calc`). Each calculator
// is a pure function of the patient record that returns an outcome plus the facts it used.
import type { Outcome } from './logic.js';
import type { Fact, Missing } from './result.js';
import type { ReferenceDateName } from '../rules/types.js';
import { bohanPeterCalculator } from './calculators/bohan-peter.js';
import { combinedIntoleranceCalculator, combinedTreatmentCalculator } from './calculators/combined-intolerance.js';
import { imacsImprovementCalculator } from './calculators/imacs-improvement.js';
import { prednisoneEquivalentPerKgCalculator } from './calculators/prednisone-equivalent.js';
import { sontheimerCadmCalculator } from './calculators/sontheimer-cadm.js';

export type CalculatorResult = { outcome: Outcome; facts: Fact[]; missing: Missing[]; detail?: Record<string, string | number | boolean | null> };
export type CalculatorContext = {
  get: (path: string) => unknown;
  referenceDate: (name: ReferenceDateName) => string | undefined;
  /** A medication's drug code -> its label from the criteria files, for the facts reports show (codes stay in the data). */
  drugLabel?: (code: string) => string;
};
export type Calculator<P = any> = {
  description: string;
  /**
   * The patient data it reads, so templates and questionnaires can ask for it: dictionary field
   * paths, and for repeating records the record path with the item fields read.
   */
  inputs: { fields: readonly string[]; records?: Readonly<Record<string, readonly string[]>> };
  /** The reference dates it reads, for a rule's params (already checked by checkParams). */
  dates?: (params: Record<string, unknown>) => readonly ReferenceDateName[];
  /** Problems with a rule's params, checked when the criteria file is loaded (empty = fine). */
  checkParams?: (params: Record<string, unknown>) => string[];
  /** The rule's params, parsed once when the rule is compiled (already checked by checkParams). */
  prepare: (params: Record<string, unknown>) => P;
  evaluate: (ctx: CalculatorContext, params: P) => CalculatorResult;
};

export const CALCULATORS: Record<string, Calculator> = {
  bohanPeter: bohanPeterCalculator,
  sontheimerCadm: sontheimerCadmCalculator,
  imacsImprovement: imacsImprovementCalculator,
  prednisoneEquivalentPerKg: prednisoneEquivalentPerKgCalculator,
  combinedIntolerance: combinedIntoleranceCalculator,
  combinedTreatment: combinedTreatmentCalculator,
};
