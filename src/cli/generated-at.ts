// The generation time printed in report footers: --generated-at, else SOURCE_DATE_EPOCH (the
// reproducible-builds convention), else the clock. Only the CLI reads the clock.
import { isValidIsoDate } from '../engine/dates.js';
import { UsageError } from '../errors.js';

/** An ISO 8601 UTC timestamp to the second, e.g. 2026-11-16T09:30:00Z. */
export function resolveGeneratedAt(flag: string | undefined, env: Record<string, string | undefined>, now: () => Date = () => new Date()): string {
  if (flag !== undefined) {
    const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(flag);
    const d = m ? new Date(m[2] ? flag : `${flag}T00:00:00Z`) : undefined;
    if (!m || !isValidIsoDate(m[1] as string) || !d || Number.isNaN(d.getTime())) {
      throw new UsageError(`--generated-at needs a date or a time with its zone, such as 2026-11-16 or 2026-11-16T09:30:00Z, got "${flag.slice(0, 30)}"`);
    }
    return iso(d);
  }
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,12}$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, got "${epoch.slice(0, 30)}"`);
    const d = new Date(Number(epoch) * 1000);
    // (Twelve digits reach past the year 9999, which an ISO date cannot write in four.)
    if (d.getUTCFullYear() > 9999) throw new UsageError(`SOURCE_DATE_EPOCH is after the year 9999, got "${epoch}"`);
    return iso(d);
  }
  return iso(now());
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The local calendar date: a coordinator's "today". */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The date of the run, as a coordinator reads "today": the date --generated-at gives (as written,
 * in its own zone), else SOURCE_DATE_EPOCH's (UTC), else the local date of the clock. Never an
 * error: a value the stamped formats would refuse (checkReportFlags) is not used here, so a text
 * report, which prints no time, runs as before.
 */
export function runDate(flag: string | undefined, env: Record<string, string | undefined>, now: () => Date = () => new Date()): string {
  let stamp: string;
  try {
    stamp = resolveGeneratedAt(flag, env, now);
  } catch {
    return localDate(now());
  }
  if (flag !== undefined) return flag.slice(0, 10);
  return env.SOURCE_DATE_EPOCH ? stamp.slice(0, 10) : localDate(now());
}
