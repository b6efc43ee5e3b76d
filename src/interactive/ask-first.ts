// Which question to ask before which, read from the rule structure and the screening so far: a
// question whose answer can make another moot is asked first, unless the other's answer can do
// the same to it. Pure.
//
// An answer makes a question moot when it decides a junction the question sits under: a met
// alternative of an `any` (or a failed part of an `all`) decides it whatever the other parts hold.
// Review items are asked last, so a part that needs a person's decision to be met (or to fail)
// cannot decide its junction while questions remain: NCT04946669 I1's Bohan and Peter route can be
// met from its items alone, its clinically amyopathic route only with the investigator's review,
// so the Bohan and Peter items come before the months of skin disease (and not the other way
// round). Only what is still open counts: a part already decided can no longer decide anything,
// and a field is moot only when every open place that reads it is.
import { collectFieldRefs } from '../criteria/field-refs.js';
import type { Trace } from '../engine/result.js';
import { childrenOf, type Condition } from '../rules/registry.js';
import type { Definitions } from '../rules/types.js';
import { own } from '../util/own.js';

/** Field path (a records field for its records' items) -> the fields to ask before it. */
export type AskFirst = ReadonlyMap<string, ReadonlySet<string>>;

/** A criterion's rule, with its trace in the current screening (undefined: not screened yet). */
export type OpenRule = { rule: Condition; trace?: Trace | undefined };

/** Whether a rule can be met, and whether it can fail, before any review item is decided. */
type Decidable = { canMeet: boolean; canFail: boolean };

/** Every open place a field is read: for each, the fields whose answers can make that read moot. */
type Reads = Map<string, Set<string>[]>;

const isOpen = (t: Trace | undefined): boolean => t === undefined || t.outcome === 'unknown' || t.outcome === 'needs_review';

/** How many of a junction's parts are already met and already failed in the screening so far. */
type Tally = { met: number; failed: number };

/**
 * Whether one part's answer, alone, can decide its junction: met for an `any`, failed for an
 * `all`; for "n of several", only the part that would bring the met ones to n (or leave fewer than
 * n able to be met). One of six measures of "3 of 6" decides nothing while two others are open.
 */
function decides(c: Condition, d: Decidable, tally: Tally): boolean {
  if (c.kind === 'any') return d.canMeet;
  if (c.kind === 'all') return d.canFail;
  if (c.kind === 'atLeast') {
    const parts = childrenOf(c).length;
    return (d.canMeet && tally.met + 1 >= c.n) || (d.canFail && tally.failed + 1 > parts - c.n);
  }
  return false;
}

export function askFirst(rules: readonly OpenRule[], definitions: Definitions): AskFirst {
  const decidableMemo = new WeakMap<Condition, Decidable>();
  const decidable = (c: Condition): Decidable => {
    const known = decidableMemo.get(c);
    if (known) return known;
    const kids = childrenOf(c).map((k) => decidable(k.node));
    const met = kids.filter((k) => k.canMeet).length;
    const failed = kids.filter((k) => k.canFail).length;
    const d = ((): Decidable => {
      switch (c.kind) {
        case 'review':
          return { canMeet: false, canFail: false };
        case 'all':
          return { canMeet: met === kids.length, canFail: failed > 0 };
        case 'any':
          return { canMeet: met > 0, canFail: failed === kids.length };
        case 'atLeast':
          return { canMeet: met >= c.n, canFail: failed > kids.length - c.n };
        case 'not': {
          const [of] = kids;
          return { canMeet: of?.canFail ?? true, canFail: of?.canMeet ?? true };
        }
        case 'ref': {
          const def = own(definitions, c.definition);
          return def ? decidable(def.rule) : { canMeet: true, canFail: true };
        }
        // A quantifier fails on an empty list; a leaf (a calculator too) is decided by its data.
        case 'exists':
          return { canMeet: kids.every((k) => k.canMeet), canFail: true };
        case 'forAll':
          return { canMeet: true, canFail: kids.every((k) => k.canFail) };
        default:
          return { canMeet: true, canFail: true };
      }
    })();
    decidableMemo.set(c, d);
    return d;
  };

  const fieldsMemo = new WeakMap<Condition, Map<string, Set<string>>>();
  const fieldsOf = (c: Condition, scope: string | undefined): Set<string> => {
    const byScope = fieldsMemo.get(c) ?? new Map<string, Set<string>>();
    fieldsMemo.set(c, byScope);
    let fields = byScope.get(scope ?? '');
    if (!fields) {
      const refs = collectFieldRefs([c], definitions, [], scope);
      fields = new Set([...refs.fields, ...refs.recordFields.keys()]);
      byScope.set(scope ?? '', fields);
    }
    return fields;
  };

  /** `trace`, when it lines up with the rule (junctions, not, ref), says what is still open. */
  const reads = (c: Condition, trace: Trace | undefined, scope: string | undefined): Reads => {
    const out: Reads = new Map();
    if (!isOpen(trace)) return out;
    const add = (from: Reads, mooters: ReadonlySet<string> = new Set()) => {
      for (const [field, places] of from) out.set(field, [...(out.get(field) ?? []), ...places.map((p) => new Set([...p, ...mooters]))]);
    };
    const kidTraces = trace?.kind === c.kind ? trace.children : undefined;
    if (c.kind === 'ref') {
      const def = own(definitions, c.definition);
      if (def) add(reads(def.rule, kidTraces?.[0], scope));
      return out;
    }
    const kids = childrenOf(c).map((k, i) => ({
      node: k.node,
      scope: k.records ?? scope,
      // A quantifier's trace has a node per record, not per sub-rule.
      trace: k.records === undefined && kidTraces?.length === childrenOf(c).length ? kidTraces[i] : undefined,
    }));
    const tally: Tally = {
      met: kids.filter((k) => k.trace?.outcome === 'met').length,
      failed: kids.filter((k) => k.trace?.outcome === 'not_met').length,
    };
    kids.forEach((kid, i) => {
      const mooters = new Set<string>();
      kids.forEach((other, j) => {
        if (j !== i && isOpen(other.trace) && decides(c, decidable(other.node), tally)) for (const f of fieldsOf(other.node, other.scope)) mooters.add(f);
      });
      add(reads(kid.node, kid.trace, kid.scope), mooters);
    });
    // What the node reads itself (a leaf's field, a calculator's inputs), not through a sub-rule.
    if (kids.length === 0) for (const field of fieldsOf(c, scope)) out.set(field, [new Set()]);
    return out;
  };

  const places: Reads = new Map();
  for (const { rule, trace } of rules) {
    for (const [field, list] of reads(rule, trace, undefined)) places.set(field, [...(places.get(field) ?? []), ...list]);
  }
  // A field is moot by another's answers only when every open place that reads it is.
  const mootBy = new Map<string, Set<string>>();
  for (const [field, list] of places) {
    const [first, ...rest] = list;
    mootBy.set(field, new Set([...(first ?? [])].filter((f) => f !== field && rest.every((p) => p.has(f)))));
  }
  // Asking u first pays only if field's answer cannot spare u: where field can make some read of u
  // moot, the two answers together may settle what u is asked for (CK in IM101-611 I3 and I4: a
  // global assessment can settle I3, the rash I4), so chart order decides. A read of u that u's
  // own answer elsewhere can make moot does not count (NCT04946669 I1: weakness in the clinically
  // amyopathic route, moot once the Bohan and Peter route, weakness included, is met).
  const sparesSomeRead = (field: string, u: string): boolean => (places.get(u) ?? []).some((p) => !p.has(u) && p.has(field));
  const before = new Map<string, Set<string>>();
  for (const [field, by] of mootBy) {
    const first = [...by].filter((u) => !mootBy.get(u)?.has(field) && !sparesSomeRead(field, u));
    if (first.length) before.set(field, new Set(first));
  }
  return before;
}
