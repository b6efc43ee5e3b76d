// What a medication record says about one date, shared by the rule operators and the calculators.
import { compareDates, fromDayNumber, toDayNumber } from './dates.js';
import type { Outcome } from './logic.js';
import type { DrugRef } from './result.js';

export type MedicationRecord = { start?: string; stop?: string; ongoing?: boolean };

/** Taken on `date`: met / not_met / unknown (start, or stop/ongoing, not recorded). */
export function takenOn(med: MedicationRecord, date: string): Outcome {
  if (!med.start) return 'unknown';
  if (compareDates(med.start, date) > 0) return 'not_met';
  if (med.stop) return compareDates(med.stop, date) >= 0 ? 'met' : 'not_met';
  return med.ongoing === true ? 'met' : 'unknown';
}

/**
 * The record as a calculator names it in a fact: its index, drug and `otherName` as recorded, and
 * the drug's label when `drugLabel` gives one (worded in src/report/fact-words.ts).
 */
export function drugRef(med: { drug?: unknown; otherName?: unknown }, index: number, drugLabel?: (code: string) => string): DrugRef {
  const drug = typeof med.drug === 'string' ? med.drug : undefined;
  return { index, ...(drug !== undefined ? { drug, ...(drugLabel ? { label: drugLabel(drug) } : {}) } : {}), ...(typeof med.otherName === 'string' ? { otherName: med.otherName } : {}) };
}

/**
 * What makes two records the same drug: its `drug`, or for "other" its `otherName` (case and
 * outer spaces aside); undefined when not recorded (null is not recorded, as absent: a patient
 * file may give it for any field). The patient reader joins records by it, and a chain of
 * records (courseChain) links only records of one drug.
 */
export function drugIdentity(m: { drug?: unknown; otherName?: unknown }): string | undefined {
  if (typeof m.drug !== 'string') return undefined;
  if (m.drug !== 'other') return m.drug;
  return typeof m.otherName === 'string' && m.otherName !== '' ? `other:${m.otherName.replace(/^ +| +$/g, '').toLowerCase()}` : undefined;
}

/** A chain's first day (an ISO date, or null when it may be any: a member's start not recorded) and its last day (null: still taken, or not recorded). */
export type Chain = { start: string | null; end: string | null; members: number[] };

/**
 * The records of one drug taken without a break, through record `at` of `list`: records linked
 * when one starts on or before the day after another's last dose (or while it is still taken),
 * as islands of intervals. Read two ways, since a link may rest on a date not recorded:
 * - `least`: only records whose start and end (stop, or ongoing) are recorded; undefined when
 *   record `at` is not one of them. Each link in it is certain.
 * - `most`: every record, an unrecorded start read as the earliest possible, an unrecorded stop
 *   as the latest: no chain through `at` can be longer.
 * A record whose drug is not recorded (drugIdentity) is a chain of its own. src/sql/chains.ts
 * computes the same per record.
 */
export function courseChain(list: readonly unknown[], at: number): { least: Chain | undefined; most: Chain } {
  const id = drugIdentity((list[at] ?? {}) as object);
  const same: [number, MedicationRecord][] = [];
  list.forEach((m, i) => {
    if (i === at || (id !== undefined && drugIdentity((m ?? {}) as object) === id)) same.push([i, (m ?? {}) as MedicationRecord]);
  });
  const least = island(same.flatMap(([i, m]) => (m.start && (m.stop || m.ongoing === true) ? [{ i, s: toDayNumber(m.start), e: m.stop ? toDayNumber(m.stop) : Infinity }] : [])), at);
  const most = island(same.map(([i, m]) => ({ i, s: m.start ? toDayNumber(m.start) : -Infinity, e: m.stop ? toDayNumber(m.stop) : Infinity })), at) as Chain;
  return { least, most };
}

/** The island of day intervals (sorted by start, a new one where a start is after the day after every earlier end) holding interval `at`. */
function island(xs: { i: number; s: number; e: number }[], at: number): Chain | undefined {
  xs.sort((a, b) => a.s - b.s || a.i - b.i);
  let group: typeof xs = [];
  let reach = -Infinity;
  for (const x of xs) {
    if (group.length && x.s > reach + 1) {
      if (group.some((g) => g.i === at)) break;
      group = [];
      reach = -Infinity;
    }
    group.push(x);
    reach = Math.max(reach, x.e);
  }
  if (!group.some((g) => g.i === at)) return undefined;
  const s = Math.min(...group.map((g) => g.s));
  return { start: s === -Infinity ? null : fromDayNumber(s), end: reach === Infinity ? null : fromDayNumber(reach), members: group.map((g) => g.i).sort((a, b) => a - b) };
}
