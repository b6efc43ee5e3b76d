// The normalised patient record the engine reads: plain data, already validated and with
// units converted by the patient layer. Lookups use own properties only.

export type ReviewDecision = { decision: 'yes' | 'no'; by: string; date: string; note?: string };

/** Whether a record list is known to hold every record (absent: a present list is taken as complete). */
export type ListCompleteness = { complete: boolean; since?: string; by?: string; date?: string; note?: string };

export type PatientRecord = {
  id?: string;
  completeness?: Record<string, ListCompleteness | null | undefined>;
  referenceDates?: { screening?: string; consent?: string; randomization?: string };
  reviews?: Record<string, Record<string, ReviewDecision>>;
  /** Patient-file path -> the record(s) an imported value came from ("Observation/abc"). */
  provenance?: Record<string, string>;
  [section: string]: unknown;
};

/** Missing-data paths that ask to confirm a list complete: `completeness.<records>`. */
export const COMPLETENESS_PREFIX = 'completeness.';

export function completenessPath(records: string): string {
  return `${COMPLETENESS_PREFIX}${records}`;
}

/**
 * Whether the list may lack records: `complete: false`, or complete only `since` a date (records
 * dated earlier may be missing). No entry: a present list is complete.
 */
export function listIncomplete(patient: PatientRecord, records: string): boolean {
  const entry = patient.completeness?.[records];
  return entry !== undefined && entry !== null && (entry.complete === false || typeof entry.since === 'string');
}

/** Whether any of the patient's lists is complete only since a date. */
export function anyListCompleteSince(patient: PatientRecord): boolean {
  return Object.values(patient.completeness ?? {}).some((entry) => typeof entry?.since === 'string');
}

/** Split field paths, memoised: the same few hundred paths are looked up for every patient. */
const splitPaths = new Map<string, string[]>();

function keysOf(path: string): string[] {
  let keys = splitPaths.get(path);
  if (!keys) {
    keys = path.split('.');
    if (splitPaths.size < 10_000) splitPaths.set(path, keys);
  }
  return keys;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of keysOf(path)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
