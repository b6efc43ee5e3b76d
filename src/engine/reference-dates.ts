// Merges reference dates from the patient file and from command-line flags. A flag overrides
// the file; an absent date stays absent (rules that need it are unknown), never defaulted.
import type { ReferenceDates } from './result.js';

export type ReferenceDateSource = 'patient file' | 'command line';
export type ResolvedReferenceDates = { dates: ReferenceDates; sources: Partial<Record<keyof ReferenceDates, ReferenceDateSource>> };

export function resolveReferenceDates(fromPatient: ReferenceDates | undefined, fromFlags: ReferenceDates): ResolvedReferenceDates {
  const dates: ReferenceDates = {};
  const sources: ResolvedReferenceDates['sources'] = {};
  for (const key of ['screening', 'consent', 'randomization'] as const) {
    const flag = fromFlags[key];
    const file = fromPatient?.[key];
    if (flag) {
      dates[key] = flag;
      sources[key] = 'command line';
    } else if (file) {
      dates[key] = file;
      sources[key] = 'patient file';
    }
  }
  return { dates, sources };
}
