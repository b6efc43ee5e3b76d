// Registry of built-in clinical calculators usable from rules (`kind: calc`). Each calculator
// is a pure function of the patient record that returns an outcome plus the facts it used.
import type { Outcome } from './logic.js';
import type { Fact } from './result.js';

export type CalculatorResult = { outcome: Outcome; facts: Fact[]; missing: string[]; detail?: Record<string, string | number | boolean | null> };
export type CalculatorContext = {
  get: (path: string) => unknown;
  referenceDate: (name: 'screening' | 'consent' | 'randomization') => string | undefined;
};
export type Calculator = {
  description: string;
  evaluate: (ctx: CalculatorContext, params: Record<string, unknown>) => CalculatorResult;
};

export const CALCULATORS: Record<string, Calculator> = {};
