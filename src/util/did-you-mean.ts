// "Did you mean" suggestions for unknown keys, flags and trial ids.

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + cost);
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

/** Names longer than this are not typos of a known name: no suggestion, and no quadratic work. */
export const MAX_SUGGEST_LENGTH = 100;

/** The closest candidate within a distance that scales with the word's length. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGEST_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length: skip candidates that cannot win.
    if (Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * The unit a near miss most likely means: the same amount unit with an abbreviated time or
 * body unit ("mg/d" → "mg/day", "mg/wk" → "mg/week"), else the closest spelling.
 */
export function suggestUnit(word: string, units: readonly string[]): string | undefined {
  const [num = '', den] = word.trim().toLowerCase().split('/');
  if (den !== undefined && den !== '') {
    const hit = units.find((u) => {
      const [n = '', d = ''] = u.toLowerCase().split('/');
      return n === num && d !== den && isSubsequence(den, d) && d.startsWith(den[0] as string);
    });
    if (hit) return hit;
  }
  return suggest(word.trim(), units);
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i += 1;
  return i === short.length;
}
