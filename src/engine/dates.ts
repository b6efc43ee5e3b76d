// Calendar-date arithmetic on ISO `YYYY-MM-DD` strings. Never touches the clock or the time
// zone: every date is a day number, so results are the same on any machine.

export type Duration = { days?: number; weeks?: number; months?: number; years?: number };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Clinical dates fall in this range; anything else is a typo (and would overflow date arithmetic). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export function inDateRange(s: string): boolean {
  const year = Number(s.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  // No array literal: this runs for every date cell of a batch.
  if (m === 2) return isLeap(y) ? 29 : 28;
  if (m === 4 || m === 6 || m === 9 || m === 11) return 30;
  return m >= 1 && m <= 12 ? 31 : 0;
}

function parts(s: string): [number, number, number] {
  const m = ISO_DATE.exec(s);
  if (!m || !isValidIsoDate(s)) throw new Error(`not an ISO date: ${s}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Memo of day numbers: screening compares the same few dates (reference dates, a patient's
 * start dates) many times, and batch runs repeat them across rows. Bounded, so memory stays flat.
 */
const dayNumbers = new Map<string, number>();
const MAX_MEMO = 50_000;

/** Days since 1970-01-01 (proleptic Gregorian), computed without Date or time zones. */
export function toDayNumber(s: string): number {
  const known = dayNumbers.get(s);
  if (known !== undefined) return known;
  const n = computeDayNumber(s);
  if (dayNumbers.size >= MAX_MEMO) dayNumbers.clear();
  dayNumbers.set(s, n);
  return n;
}

function computeDayNumber(s: string): number {
  const [y0, m, d] = parts(s);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Add calendar months, clamping to the month's last day (2026-03-31 - 1 month = 2026-02-28). */
function addMonths(s: string, months: number): string {
  const [y, m, d] = parts(s);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

const shifts = new Map<string, string>();

/** `date` shifted by `sign` × duration: years and months by the calendar, then weeks and days. */
export function shift(date: string, duration: Duration, sign: 1 | -1): string {
  const key = `${date}|${duration.years ?? 0}|${duration.months ?? 0}|${duration.weeks ?? 0}|${duration.days ?? 0}|${sign}`;
  const known = shifts.get(key);
  if (known !== undefined) return known;
  const result = computeShift(date, duration, sign);
  if (shifts.size >= MAX_MEMO) shifts.clear();
  shifts.set(key, result);
  return result;
}

function computeShift(date: string, duration: Duration, sign: 1 | -1): string {
  const months = (duration.years ?? 0) * 12 + (duration.months ?? 0);
  const shifted = months ? addMonths(date, sign * months) : date;
  const days = (duration.weeks ?? 0) * 7 + (duration.days ?? 0);
  return days ? fromDayNumber(toDayNumber(shifted) + sign * days) : shifted;
}

/**
 * The latest start from which `duration` is complete by `ref`: the last day d with d + duration
 * <= ref (counted forward, as an interval from start to a last dose is). At a month end this is
 * later than ref - duration: 3 months from 2025-11-30 end on 2026-02-28, while 2026-02-28 minus 3
 * months is 2025-11-28; with months and days together it can be earlier (1 month and 3 days from
 * 2026-01-30 end on 2026-03-03). d + duration never decreases as d grows, so the search steps from
 * ref - duration down while it overshoots, then up while the next day still fits.
 */
export function latestStartFor(ref: string, duration: Duration): string {
  const fits = (d: number) => compareDates(shift(fromDayNumber(d), duration, 1), ref) <= 0;
  let latest = toDayNumber(shift(ref, duration, -1));
  while (!fits(latest)) latest--;
  while (fits(latest + 1)) latest++;
  return fromDayNumber(latest);
}

export function compareDates(a: string, b: string): number {
  return toDayNumber(a) - toDayNumber(b);
}

/** Whole years from `birth` to `on` (a birthday on 29 February counts on 28 February). */
export function ageInYears(birth: string, on: string): number {
  const [by, bm, bd] = parts(birth);
  const [oy, om, od] = parts(on);
  let age = oy - by;
  const birthdayDay = Math.min(bd, daysInMonth(oy, bm));
  if (om < bm || (om === bm && od < birthdayDay)) age -= 1;
  return age;
}

export function formatDuration(d: Duration): string {
  const out: string[] = [];
  const unit = (n: number | undefined, word: string) => {
    if (n) out.push(`${n} ${word}${n === 1 ? '' : 's'}`);
  };
  unit(d.years, 'year');
  unit(d.months, 'month');
  unit(d.weeks, 'week');
  unit(d.days, 'day');
  return out.join(' ') || '0 days';
}
