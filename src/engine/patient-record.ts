// The normalised patient record the engine reads: plain data, already validated and with
// units converted by the patient layer. Lookups use own properties only.

export type ReviewDecision = { decision: 'yes' | 'no'; by: string; date: string; note?: string };

export type PatientRecord = {
  id?: string;
  referenceDates?: { screening?: string; consent?: string; randomization?: string };
  reviews?: Record<string, Record<string, ReviewDecision>>;
  [section: string]: unknown;
};

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
