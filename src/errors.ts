// The known, user-facing errors. The CLI prints each problem on one line and exits 2; any
// other exception is a bug and is reported as one.

/** `code` names the check that found a criteria problem (lint's rule names). */
export type Problem = { location: string; message: string; code?: string };

/** Brand shared by every copy of these classes (lazily loaded bundles each carry their own). */
const BRAND = Symbol.for('trial-screen.ScreenError');

abstract class ScreenError extends Error {
  /**
   * `instanceof` by brand and name, so that an error thrown by another bundle's copy of these
   * classes is still caught as what it is (a FHIR bundle the importer refuses, in batch: an error
   * row, not the end of the run).
   */
  static override [Symbol.hasInstance](this: (abstract new (...args: never[]) => unknown) & { errorName?: string }, e: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, e)) return true;
    // (Only these classes themselves: a caller's subclass keeps ordinary instanceof.)
    return Object.hasOwn(this, 'errorName') && isScreenError(e) && e.name === this.errorName;
  }
  readonly [BRAND] = true;
  readonly problems: Problem[];
  constructor(problems: Problem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.problems = problems;
  }
}

export function formatProblem(p: Problem): string {
  return p.location ? `${p.location}: ${p.message}` : p.message;
}

/** Wrong flags or arguments, an unknown trial. */
export class UsageError extends ScreenError {
  static readonly errorName = 'UsageError';
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super([{ location: '', message }], options);
  }
}

/** A criteria or dictionary file that cannot be used. */
export class CriteriaError extends ScreenError {
  static readonly errorName = 'CriteriaError';
  override name = 'CriteriaError';
}

/** A patient file (or row) that cannot be screened as given. */
export class PatientDataError extends ScreenError {
  static readonly errorName = 'PatientDataError';
  override name = 'PatientDataError';
}

/** Output that could not be written (disk full, closed pipe, unwritable file): exit 74. */
export class OutputError extends ScreenError {
  static readonly errorName = 'OutputError';
  override name = 'OutputError';
  readonly outputFailed = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super([{ location: '', message }], options);
  }
}

/** True for our known errors, also when thrown by another bundle's copy of these classes. */
export function isScreenError(e: unknown): e is ScreenError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true && Array.isArray((e as ScreenError).problems);
}

/** Truncate a value for messages so patient data never leaks beyond a short excerpt. */
export function excerpt(value: unknown, max = 40): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  if (s === undefined) s = String(value);
  if (s.length <= max) return s;
  // (Never half a surrogate pair: an emoji cut in two is not text.)
  const end = /[\uD800-\uDBFF]/.test(s[max - 2] ?? '') ? max - 2 : max - 1;
  return `${s.slice(0, end)}…`;
}
