// Numbers shown next to the threshold they were compared with. Rounding for display must never put
// a value onto or across its threshold: "5.005 × ULN" shown as "5" next to "> 5 × ULN" would
// contradict the call. So a compared number gets as many decimals as the comparison needs.

/** A number in plain decimal notation with at most `decimals` places, trailing zeros dropped. */
export function roundTo(n: number, decimals: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(Math.min(decimals, 100));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * `n` shown with `decimals` places (default 2), or more where fewer would show it on the other side
 * of `threshold` than `side` says (or on it, when side is not 0). `side` is the sign of the
 * comparison as the engine decided it (value − threshold): pass it when the engine compares a
 * differently rounded quantity, so the display agrees with the decision; by default it is the sign
 * of `n − threshold`.
 */
export function formatAgainst(n: number, threshold: number, side: -1 | 0 | 1 = sign(n - threshold), decimals = 2): string {
  if (!Number.isFinite(n) || !Number.isFinite(threshold)) return String(n);
  for (let d = decimals; d <= 20; d++) {
    const shown = roundTo(n, d);
    if (sign(Number(shown) - threshold) === side) return shown;
  }
  // Only an exact display can say it: the shortest round-trip form of the number.
  return String(n);
}

export function sign(x: number): -1 | 0 | 1 {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** A value from a patient file or a criteria file: shown exactly as recorded (no rounding at all). */
export function exact(n: number): string {
  return String(n);
}

/**
 * The sign of value − threshold that the engine's outcome implies for `value op threshold`: the
 * engine may compare at another precision (12 significant digits for lab limits), and the display
 * must agree with its decision. Open outcomes give the plain sign.
 */
export function sideFromOutcome(outcome: string, op: string, value: number, threshold: number): -1 | 0 | 1 {
  const raw = sign(value - threshold);
  if (outcome !== 'met' && outcome !== 'not_met') return raw;
  const holds = outcome === 'met';
  const agrees = (s: -1 | 0 | 1) => ({ '<': s < 0, '<=': s <= 0, '>': s > 0, '>=': s >= 0, '==': s === 0, '!=': s !== 0 })[op] === holds;
  if (agrees(raw)) return raw;
  return ([0, -1, 1] as const).find(agrees) ?? raw;
}
