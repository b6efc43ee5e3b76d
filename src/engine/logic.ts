// Three-valued (Kleene) logic extended with a fourth, "open" value for protocol judgement calls.
// `unknown` = data missing; `needs_review` = the protocol defers to a person. Both are "open":
// they behave like Kleene's unknown, and when both are present `unknown` wins (collect data first).

export const OUTCOMES = ['met', 'not_met', 'unknown', 'needs_review'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function isOpen(o: Outcome): boolean {
  return o === 'unknown' || o === 'needs_review';
}

/** The open value to report when several operands are open: unknown before needs_review. */
export function openOf(values: readonly Outcome[]): Outcome {
  return values.includes('unknown') ? 'unknown' : 'needs_review';
}

export function not(a: Outcome): Outcome {
  if (a === 'met') return 'not_met';
  if (a === 'not_met') return 'met';
  return a;
}

export function and(values: readonly Outcome[]): Outcome {
  if (values.includes('not_met')) return 'not_met';
  if (values.some(isOpen)) return openOf(values);
  return 'met';
}

export function or(values: readonly Outcome[]): Outcome {
  if (values.includes('met')) return 'met';
  if (values.some(isOpen)) return openOf(values);
  return 'not_met';
}

/** "At least n of": met when n are met, not_met when even all open ones could not reach n. */
export function atLeast(n: number, values: readonly Outcome[]): Outcome {
  const met = values.filter((v) => v === 'met').length;
  const open = values.filter(isOpen).length;
  if (met >= n) return 'met';
  if (met + open < n) return 'not_met';
  return openOf(values);
}

/**
 * Compare a count that lies somewhere in [low, high] with a threshold: met or not_met only
 * when every possible count gives the same answer.
 */
export function countCompare(low: number, high: number, test: (count: number) => boolean, openValue: Outcome = 'unknown'): Outcome {
  let sawTrue = false;
  let sawFalse = false;
  for (let c = low; c <= high; c++) {
    if (test(c)) sawTrue = true;
    else sawFalse = true;
    if (sawTrue && sawFalse) return openValue;
  }
  return sawTrue ? 'met' : 'not_met';
}

export function fromBoolean(b: boolean): Outcome {
  return b ? 'met' : 'not_met';
}
