// What a medication record says about one date, shared by the rule operators and the calculators.
import { compareDates } from './dates.js';
import type { Outcome } from './logic.js';
import type { DrugRef } from './result.js';

export type MedicationRecord = { start?: string; stop?: string; ongoing?: boolean };

/** Taken on `date`: met / not_met / unknown (start, or stop/ongoing, not recorded). */
export function takenOn(med: MedicationRecord, date: string): Outcome {
  if (!med.start) return 'unknown';
  if (compareDates(med.start, date) > 0) return 'not_met';
  if (med.stop) return compareDates(med.stop, date) >= 0 ? 'met' : 'not_met';
  return med.ongoing === true ? 'met' : 'unknown';
}

/**
 * The record as a calculator names it in a fact: its index, drug and `otherName` as recorded, and
 * the drug's label when `drugLabel` gives one (worded in src/report/fact-words.ts).
 */
export function drugRef(med: { drug?: unknown; otherName?: unknown }, index: number, drugLabel?: (code: string) => string): DrugRef {
  const drug = typeof med.drug === 'string' ? med.drug : undefined;
  return { index, ...(drug !== undefined ? { drug, ...(drugLabel ? { label: drugLabel(drug) } : {}) } : {}), ...(typeof med.otherName === 'string' ? { otherName: med.otherName } : {}) };
}
