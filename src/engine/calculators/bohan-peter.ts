// Bohan and Peter (1975) classification of polymyositis/dermatomyositis from its five items
// (clinical-reference.md). With items unrecorded, the rule is decided only if every possible
// answer to them leads to the same outcome; otherwise it is unknown and names those items.
import * as z from 'zod/mini';
import type { Calculator } from '../calculators.js';
import type { Fact, Missing } from '../result.js';
import { booleanFact, overCompletions, paramProblems } from './completions.js';
// Built on first use: a trial uses few of the calculators (IM101-611 none).
import { lazySchema } from '../../util/lazy-schema.js';

export const BOHAN_PETER_ITEMS = [
  { key: 'weakness', path: 'bohanPeter.weakness', label: 'item 1, symmetric proximal weakness' },
  { key: 'enzymes', path: 'bohanPeter.enzymes', label: 'item 2, raised muscle enzymes' },
  { key: 'emg', path: 'bohanPeter.emg', label: 'item 3, myopathic EMG' },
  { key: 'biopsy', path: 'bohanPeter.biopsy', label: 'item 4, inflammatory muscle biopsy' },
  { key: 'rash', path: 'bohanPeter.rash', label: 'item 5, typical DM rash' },
] as const;

export type BohanPeterItems = { weakness: boolean; enzymes: boolean; emg: boolean; biopsy: boolean; rash: boolean };
export const CERTAINTIES = ['possible', 'probable', 'definite'] as const;
export type Certainty = (typeof CERTAINTIES)[number];
/** Between the classes a classification may be while items are not recorded ("probable DM | definite DM"). */
export const CLASSIFICATION_SEPARATOR = ' | ';

/** The classes a classification text names: one when it is settled, several while items are not recorded. */
export function classificationClasses(text: string): string[] {
  return text.split(CLASSIFICATION_SEPARATOR);
}

export type BohanPeterClass = { subtype: 'dm' | 'pm'; certainty: Certainty } | null;

/**
 * DM (rash present): definite = 3 of items 1–4, probable = 2, possible = 1.
 * PM (no rash): definite = all 4 of items 1–4, probable = 3, possible = 2.
 */
export function classifyBohanPeter(items: BohanPeterItems): BohanPeterClass {
  const n = [items.weakness, items.enzymes, items.emg, items.biopsy].filter(Boolean).length;
  if (items.rash) {
    if (n >= 3) return { subtype: 'dm', certainty: 'definite' };
    if (n === 2) return { subtype: 'dm', certainty: 'probable' };
    if (n === 1) return { subtype: 'dm', certainty: 'possible' };
    return null;
  }
  if (n === 4) return { subtype: 'pm', certainty: 'definite' };
  if (n === 3) return { subtype: 'pm', certainty: 'probable' };
  if (n === 2) return { subtype: 'pm', certainty: 'possible' };
  return null;
}

export function meetsClass(c: BohanPeterClass, subtypes: readonly ('dm' | 'pm')[], minCertainty: Certainty): boolean {
  return c !== null && subtypes.includes(c.subtype) && CERTAINTIES.indexOf(c.certainty) >= CERTAINTIES.indexOf(minCertainty);
}

export function classCode(c: BohanPeterClass): string {
  return c ? `${c.certainty} ${c.subtype.toUpperCase()}` : 'none';
}

const Params = lazySchema(() =>
  z.strictObject({
    subtypes: z._default(z.array(z.enum(['dm', 'pm'])).check(z.minLength(1)), ['dm', 'pm']),
    minCertainty: z._default(z.enum(CERTAINTIES), 'possible'),
  }),
);

export const bohanPeterCalculator: Calculator<z.infer<ReturnType<typeof Params>>> = {
  inputs: { fields: BOHAN_PETER_ITEMS.map((i) => i.path) },
  description: 'Bohan and Peter classification',
  checkParams: (params) => paramProblems(Params(), params),
  prepare: (raw) => Params().parse(raw),
  evaluate(ctx, params) {
    const facts: Fact[] = [];
    const slots: boolean[][] = [];
    const missing: Missing[] = [];
    for (const item of BOHAN_PETER_ITEMS) {
      const v = ctx.get(item.path);
      facts.push(booleanFact(item.path, item.label, v));
      if (typeof v === 'boolean') slots.push([v]);
      else {
        slots.push([false, true]);
        missing.push({ field: item.path });
      }
    }
    const toItems = (xs: boolean[]): BohanPeterItems => ({ weakness: !!xs[0], enzymes: !!xs[1], emg: !!xs[2], biopsy: !!xs[3], rash: !!xs[4] });
    const outcome = overCompletions(slots, (xs) => meetsClass(classifyBohanPeter(toItems(xs)), params.subtypes, params.minCertainty));
    // Every classification the recorded items still allow, for the report.
    const possible = new Set<string>();
    overCompletions(slots, (xs) => {
      possible.add(classCode(classifyBohanPeter(toItems(xs))));
      return false;
    });
    return {
      outcome,
      facts,
      missing,
      detail: {
        classification: [...possible].join(CLASSIFICATION_SEPARATOR),
        subtypes: params.subtypes.join(','),
        minCertainty: params.minCertainty,
      },
    };
  },
};
