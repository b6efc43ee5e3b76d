// Shared pieces of compiled nodes: field readers resolved at compile time, leaf nodes whose
// evaluate and explain run the same code, and trace building. Pure.
import { recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import { latestStartFor, shift, type Duration } from '../engine/dates.js';
import { getPath } from '../engine/patient-record.js';
import type { Outcome } from '../engine/logic.js';
import { sameMissing, type Fact, type Missing, type Trace, type TraceKind, type TraceOf } from '../engine/result.js';
import type { CompiledNode, Env, ReferenceDateName } from './types.js';

export const REF_PATH: Record<ReferenceDateName, string> = { screening: 'referenceDates.screening', consent: 'referenceDates.consent', randomization: 'referenceDates.randomization' };

export function cmp(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
    default: throw new Error(`unknown operator ${op}`);
  }
}

/** A field resolved once: a bare name inside a record quantifier is a field of the current record. */
export type FieldReader = { read(env: Env): unknown; path(env: Env): string; label: string; unit: string | undefined; scoped: boolean };

export function fieldReader(dict: Dictionary, scope: string | undefined, field: string): FieldReader {
  if (scope && !field.includes('.')) {
    const def = recordItemField(dict, scope, field);
    const unit = def && 'unit' in def ? def.unit : undefined;
    return {
      read: (env) => (env.item && Object.hasOwn(env.item, field) ? env.item[field] : undefined),
      path: (env) => `${scope}[${env.index}].${field}`,
      label: def?.label ?? field,
      unit,
      scoped: true,
    };
  }
  const def = dict.fields.get(field);
  const unit = def && 'unit' in def ? def.unit : undefined;
  return { read: (env) => getPath(env.patient, field), path: () => field, label: def?.label ?? field, unit, scoped: false };
}

export function fact(path: string, r: { label: string; unit: string | undefined }, value: Fact['value']): Fact {
  return { field: path, label: r.label, value, ...(r.unit ? { unit: r.unit } : {}) };
}

/** What a leaf of kind K records when explaining (its module's detail type); null while only evaluating. */
export type Explaining<K extends TraceKind = TraceKind> = { facts: Fact[]; detail: TraceOf<K>['detail'] };

/** The field a leaf reads is not recorded: name it as missing (and, when explaining, as a fact). */
export function fieldMissing(env: Env, x: { facts: Fact[] } | null, r: FieldReader): 'unknown' {
  env.missing.push({ field: r.path(env) });
  if (x) x.facts.push(fact(r.path(env), r, null));
  return 'unknown';
}

/**
 * A node without sub-rules. `run` decides the outcome and pushes missing paths to env.missing;
 * given a recorder it also records facts and detail, so evaluate and explain cannot disagree.
 */
export function leaf<K extends TraceKind>(kind: K, note: string | undefined, run: (env: Env, x: Explaining<K> | null) => Outcome): CompiledNode {
  return {
    kind,
    evaluate(env) {
      const mark = env.missing.length;
      const o = run(env, null);
      // Setting an array's length is a slow runtime call even when it changes nothing.
      if (o !== 'unknown' && env.missing.length !== mark) env.missing.length = mark;
      return o;
    },
    explain(env) {
      const mark = env.missing.length;
      const x: Explaining<K> = { facts: [], detail: undefined };
      const o = run(env, x);
      const missing = o === 'unknown' ? dedupe(env.missing.slice(mark)) : [];
      env.missing.length = mark;
      return trace(kind, o, x.facts, missing, note, x.detail);
    },
  };
}

export function trace<K extends TraceKind>(kind: K, outcome: Outcome, facts: Fact[], missing: Missing[], note: string | undefined, detail?: TraceOf<K>['detail'], children?: Trace[]): Trace {
  const t: TraceOf<K> = { kind, outcome, facts, missing };
  if (note) t.note = note;
  if (detail) t.detail = detail;
  if (children) t.children = children;
  // TraceOf<K> is one member of the Trace union; TypeScript cannot see that for a generic K.
  return t as unknown as Trace;
}

export function dedupe(xs: Missing[]): Missing[] {
  if (xs.length < 2) return xs;
  const out: Missing[] = [];
  for (const m of xs) if (!out.some((o) => sameMissing(o, m))) out.push(m);
  return out;
}

/** A parent's trace: its missing paths are its unknown children's, when it is unknown itself. */
export function combined<K extends TraceKind>(kind: K, outcome: Outcome, children: Trace[], note: string | undefined, detail?: TraceOf<K>['detail']): Trace {
  const missing = outcome === 'unknown' ? dedupe(children.filter((c) => c.outcome === 'unknown').flatMap((c) => c.missing)) : [];
  return trace(kind, outcome, [], missing, note, detail, children);
}

/**
 * `ref - duration`, computed once per reference date: a batch shares its reference dates, so
 * the calendar arithmetic runs once per set of dates instead of once per patient.
 */
export function windowStart(duration: Duration): (ref: string) => string {
  return lastOf((ref) => shift(ref, duration, -1));
}

/**
 * The latest start from which `duration`, counted forward, is complete by the reference date
 * (latestStartFor), remembered per reference date as windowStart is: how long a drug, or its
 * current dose, has been taken (takenFor, stableDose), counted as an interval from a start is.
 */
export function latestStart(duration: Duration): (ref: string) => string {
  return lastOf((ref) => latestStartFor(ref, duration));
}

/** `f` remembering its answer for the last reference date asked (a batch asks the same date row after row). */
export function lastOf(f: (ref: string) => string): (ref: string) => string {
  let lastRef = '';
  let last = '';
  return (ref) => {
    if (ref !== lastRef) {
      last = f(ref);
      lastRef = ref;
    }
    return last;
  };
}
