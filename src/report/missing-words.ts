// The words for what a screening still needs. The engine names a missing value as data
// ({ field, need }); every formatter, batch's `missing` column and the questionnaire word it here.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Missing, Need } from '../engine/result.js';

/** What the value must hold, in words: "a result from 2026-08-01 to 2026-11-01". */
export function needWords(need: Need): string {
  switch (need.kind) {
    case 'resultBetween':
      return `a result from ${need.from} to ${need.to}`;
    case 'scale':
      return `on the 0–${need.max} scale${need.asBaseline ? ', as at baseline' : ''}`;
    case 'doseOn':
      return `dose on ${need.date}`;
    case 'sameUnit':
      return 'every dose in the same unit';
    case 'doseAmount':
      return `amount of the dose from ${need.date}`;
    case 'dailyTotal':
      return `overlaps another record of the drug on ${need.date}: one course entered twice (remove the copy) or taken together (one record with the day's total, the other stopped)`;
  }
}

/**
 * The entry as one token: the path, with what it must hold in parentheses
 * ("labs.alt (a result from 2026-08-01 to 2026-11-01)"). Batch's `missing` column and the
 * several-trial summary write this form (documented in docs/batch.md).
 */
export function missingText(m: Missing): string {
  return m.need ? `${m.field} (${needWords(m.need)})` : m.field;
}

/**
 * The entry for people: its label (the result's label, else the dictionary's, else the path),
 * with what it must hold ("ALT (a result from 2026-08-01 to 2026-11-01)").
 */
export function missingWords(m: Missing, label?: string, dict?: Dictionary): string {
  const name = label && label !== m.field ? label : (dict?.fields.get(m.field)?.label ?? m.field.replace(/^referenceDates\./, ''));
  if (!m.need) return name;
  // A label that ends in its own parenthesis ("Doses of prednisone (medications #1)") takes the need after a colon.
  return name.endsWith(')') ? `${name}: ${needWords(m.need)}` : `${name} (${needWords(m.need)})`;
}
