// Three-valued evaluation by enumeration: with some inputs unknown, a calculator's answer is
// decided only when every possible completion of the unknown inputs gives the same answer.
import type { Outcome } from '../logic.js';
import type { Fact } from '../result.js';
import type { ReferenceDateName } from '../../rules/types.js';
import type * as z from 'zod/mini';
import { issueMessage } from '../../util/zod-issue-message.js';

/** met if `test` holds for every choice, not_met if for none, else unknown. */
export function overCompletions<T>(slots: readonly (readonly T[])[], test: (choice: T[]) => boolean): Outcome {
  let sawTrue = false;
  let sawFalse = false;
  const walk = (i: number, acc: T[]): boolean => {
    if (i === slots.length) {
      if (test(acc)) sawTrue = true;
      else sawFalse = true;
      return sawTrue && sawFalse;
    }
    for (const option of slots[i] as readonly T[]) if (walk(i + 1, [...acc, option])) return true;
    return false;
  };
  walk(0, []);
  if (sawTrue && sawFalse) return 'unknown';
  return sawTrue ? 'met' : 'not_met';
}

/** Compare a ≥ b×k style thresholds without float noise at the boundary (1 × 68 kg = 68 mg). */
export function exact(n: number): number {
  return Number(n.toPrecision(12));
}

export function booleanFact(field: string, label: string, v: unknown): Fact {
  return { field, label, value: typeof v === 'boolean' ? v : null };
}

/** zod issues as one-line messages for the criteria loader. */
/** The reference date a calculator's `at` param names (checked when the criteria are loaded): screening when not given. */
export const atParamDate = (params: Record<string, unknown>): ReferenceDateName[] => [typeof params.at === 'string' ? (params.at as ReferenceDateName) : 'screening'];

export function paramProblems(schema: z.ZodMiniType, params: Record<string, unknown>): string[] {
  const r = schema.safeParse(params);
  if (r.success) return [];
  return r.error.issues.map((i) => {
    let got: unknown = params;
    for (const k of i.path) got = got !== null && typeof got === 'object' && Object.hasOwn(got, k as string) ? (got as Record<string, unknown>)[k as string] : undefined;
    return `params${i.path.map((p) => `.${String(p)}`).join('')}: ${issueMessage(i, got)}`;
  });
}
