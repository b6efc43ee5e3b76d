// Shared pieces of compiled nodes: field readers resolved at compile time, leaf nodes whose
// evaluate and explain run the same code, and trace building. Pure.
import { recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import { shift, type Duration } from '../engine/dates.js';
import { getPath } from '../engine/patient-record.js';
import type { Outcome } from '../engine/logic.js';
import type { Detail, Fact, Trace } from '../engine/result.js';
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

/** What a leaf records when explaining; null while only evaluating. */
export type Explaining = { facts: Fact[]; detail: Detail | undefined };

/** The field a leaf reads is not recorded: name it as missing (and, when explaining, as a fact). */
export function fieldMissing(env: Env, x: Explaining | null, r: FieldReader): 'unknown' {
  env.missing.push(r.path(env));
  if (x) x.facts.push(fact(r.path(env), r, null));
  return 'unknown';
}

/**
 * A node without sub-rules. `run` decides the outcome and pushes missing paths to env.missing;
 * given a recorder it also records facts and detail, so evaluate and explain cannot disagree.
 */
export function leaf(kind: string, note: string | undefined, run: (env: Env, x: Explaining | null) => Outcome): CompiledNode {
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
      const x: Explaining = { facts: [], detail: undefined };
      const o = run(env, x);
      const missing = o === 'unknown' ? dedupe(env.missing.slice(mark)) : [];
      env.missing.length = mark;
      return trace(kind, o, x.facts, missing, note, x.detail);
    },
  };
}

export function trace(kind: string, outcome: Outcome, facts: Fact[], missing: string[], note: string | undefined, detail?: Detail, children?: Trace[]): Trace {
  const t: Trace = { kind, outcome, facts, missing };
  if (note) t.note = note;
  if (detail) t.detail = detail;
  if (children) t.children = children;
  return t;
}

export function dedupe(xs: string[]): string[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}

/** A parent's trace: its missing paths are its unknown children's, when it is unknown itself. */
export function combined(kind: string, outcome: Outcome, children: Trace[], note: string | undefined, detail?: Detail): Trace {
  const missing = outcome === 'unknown' ? dedupe(children.filter((c) => c.outcome === 'unknown').flatMap((c) => c.missing)) : [];
  return trace(kind, outcome, [], missing, note, detail, children);
}

/**
 * `ref - duration`, computed once per reference date: a batch shares its reference dates, so
 * the calendar arithmetic runs once per set of dates instead of once per patient.
 */
export function windowStart(duration: Duration): (ref: string) => string {
  let lastRef = '';
  let lastFrom = '';
  return (ref) => {
    if (ref !== lastRef) {
      lastFrom = shift(ref, duration, -1);
      lastRef = ref;
    }
    return lastFrom;
  };
}
