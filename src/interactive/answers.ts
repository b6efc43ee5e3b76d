// Typed answers for the questionnaire: turns what a coordinator types into patient-file values,
// or a reason to ask again. Pure: the clock and the screening date come in as arguments.
import { compareDates, isValidIsoDate } from '../engine/dates.js';

/** What may be typed for "unknown / skip" at a free-text prompt. */
export const UNKNOWN_WORDS = ['', '?', 'unknown', 'skip'] as const;
export const UNKNOWN_HINT = 'Enter or ? = unknown';

export function isUnknownAnswer(raw: string): boolean {
  return (UNKNOWN_WORDS as readonly string[]).includes(raw.trim().toLowerCase());
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export type NumberSpec = { type: 'number' | 'integer'; unit?: string | undefined; min?: number | undefined; max?: number | undefined; convert?: Record<string, number> | undefined };

/** The patient-file value: a plain number in the canonical unit, or {value, unit} for another accepted unit. */
export type NumberValue = number | { value: number; unit: string };

function fmt(n: number): string {
  return String(Number(n.toPrecision(12)));
}

export function rangeText(spec: NumberSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  if (spec.min !== undefined && spec.max !== undefined) return `${fmt(spec.min)}–${fmt(spec.max)}${unit}`;
  if (spec.min !== undefined) return `at least ${fmt(spec.min)}${unit}`;
  if (spec.max !== undefined) return `at most ${fmt(spec.max)}${unit}`;
  return spec.unit ?? '';
}

export function acceptedUnits(spec: NumberSpec): string[] {
  return [...(spec.unit ? [spec.unit] : []), ...Object.keys(spec.convert ?? {})];
}

/** "4.5", "45 mm", "150lb". The range is checked after converting to the canonical unit. */
export function parseNumberAnswer(raw: string, spec: NumberSpec): Parsed<NumberValue> {
  const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([^\d\s].*?)?\s*$/.exec(raw);
  if (!m) return { ok: false, reason: `type a number${spec.unit ? ` in ${acceptedUnits(spec).join(' or ')}` : ''} (${UNKNOWN_HINT})` };
  const n = Number(m[1]);
  const typedUnit = m[2];
  let unit = spec.unit;
  let factor = 1;
  if (typedUnit !== undefined) {
    const units = acceptedUnits(spec);
    const match = units.find((u) => u.toLowerCase() === typedUnit.toLowerCase());
    if (!match) return { ok: false, reason: units.length ? `unit must be ${units.join(' or ')}, got "${typedUnit.slice(0, 20)}"` : 'this value has no unit: type the number only' };
    unit = match;
    factor = match === spec.unit ? 1 : (spec.convert?.[match] ?? 1);
  }
  if (spec.type === 'integer' && !Number.isInteger(n)) return { ok: false, reason: `must be a whole number, got ${m[1]}` };
  const canonical = n * factor;
  const tooLow = spec.min !== undefined && canonical < spec.min;
  const tooHigh = spec.max !== undefined && canonical > spec.max;
  if (tooLow || tooHigh) {
    const shown = factor === 1 ? `${fmt(n)}${unit ? ` ${unit}` : ''}` : `${fmt(n)} ${unit} = ${fmt(canonical)} ${spec.unit}`;
    return { ok: false, reason: `must be ${rangeText(spec)}, got ${shown}` };
  }
  return { ok: true, value: factor === 1 || unit === undefined ? n : { value: n, unit } };
}

export type DateLimit = { date: string; what: string };

/** ISO calendar dates only; `notAfter` lists the dates it cannot follow (today, the screening date). */
export function parseDateAnswer(raw: string, notAfter: DateLimit[] = [], notBefore: DateLimit[] = []): Parsed<string> {
  const s = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return { ok: false, reason: `type a date as YYYY-MM-DD (${UNKNOWN_HINT})` };
  if (!isValidIsoDate(s)) return { ok: false, reason: `${s} is not a real calendar date` };
  for (const limit of notAfter) if (compareDates(s, limit.date) > 0) return { ok: false, reason: `${s} is after ${limit.what} (${limit.date})` };
  for (const limit of notBefore) if (compareDates(s, limit.date) < 0) return { ok: false, reason: `${s} is before ${limit.what} (${limit.date})` };
  return { ok: true, value: s };
}

/** Free text with a length limit; blank is "unknown" unless `required`. */
export function parseTextAnswer(raw: string, maxLength: number): Parsed<string> {
  const s = raw.trim();
  if (s.length > maxLength) return { ok: false, reason: `at most ${maxLength} characters (got ${s.length})` };
  return { ok: true, value: s };
}

/** An inquirer-style validator: true, or the reason the answer is asked again. Unknown is always accepted. */
export function validatorFor<T>(parse: (raw: string) => Parsed<T>, allowUnknown = true): (raw: string) => true | string {
  return (raw) => {
    if (allowUnknown && isUnknownAnswer(raw)) return true;
    const p = parse(raw);
    return p.ok ? true : p.reason;
  };
}
