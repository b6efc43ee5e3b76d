// The query's `missing` column and the words of src/report/missing-words.ts: a missing entry's SQL
// text is missingText itself, rendered once with placeholders for the path and the need's values
// (so the wording is never retyped in SQL), and decodeMissing reads the column back into entries.
import type { Missing, Need } from '../engine/result.js';
import { missingText } from '../report/missing-words.js';
import type { NeedSql } from '../rules/types.js';
import { MISSING_SEP, lit } from './kit.js';

const HOLE = '\u0000';
const FIELD = 'field';

/** missingText of an entry whose path and need values are placeholders: literal text and value names, alternating. */
function template(kind: Need['kind'] | undefined, keys: string[], flags: Record<string, unknown>): string[] {
  const hole = (k: string) => `${HOLE}${k}${HOLE}`;
  const need = kind ? ({ kind, ...flags, ...Object.fromEntries(keys.map((k) => [k, hole(k)])) } as unknown as Need) : undefined;
  return missingText({ field: hole(FIELD), ...(need ? { need } : {}) }).split(HOLE);
}

/**
 * One missing entry as SQL text: `path` and the need's values are SQL text expressions (a date or
 * number already cast to text), put in the places missingText gives them.
 */
export function missingTokenSql(path: string, need?: NeedSql): string {
  const values: Record<string, string> = { [FIELD]: path };
  const flags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(need ?? {})) {
    if (k === 'kind') continue;
    if (typeof v === 'string') values[k] = v;
    else flags[k] = v;
  }
  const keys = Object.keys(values).filter((k) => k !== FIELD);
  const pieces = template(need?.kind, keys, flags)
    .map((s, i) => (i % 2 ? (values[s] as string) : s === '' ? '' : lit(s)))
    .filter((s) => s !== '');
  return pieces.length === 1 ? (pieces[0] as string) : `(${pieces.join(' || ')})`;
}

/**
 * Every need's shape, to read a token back: its values (a number here is a number there) and flags.
 * Typed by Need, so a new kind of need fails to compile until it is listed.
 */
const NEED_SHAPES: { [K in Need['kind']]: Omit<Extract<Need, { kind: K }>, 'kind'>[] } = {
  resultBetween: [{ from: '', to: '' }],
  scale: [{ max: 0, asBaseline: true }, { max: 0 }],
  doseOn: [{ date: '' }],
  sameUnit: [{}],
  doseAmount: [{ date: '' }],
  dailyTotal: [{ date: '' }],
};

type Reader = { pattern: RegExp; names: string[]; make(values: string[]): Missing };

let readers: Reader[] | undefined;

function needReaders(): Reader[] {
  const out: Reader[] = [];
  for (const [kind, shapes] of Object.entries(NEED_SHAPES) as [Need['kind'], Record<string, unknown>[]][]) {
    for (const shape of shapes) {
      const keys = Object.keys(shape).filter((k) => typeof shape[k] !== 'boolean');
      const flags = Object.fromEntries(Object.entries(shape).filter(([, v]) => typeof v === 'boolean'));
      const parts = template(kind, keys, flags);
      const names = parts.filter((_, i) => i % 2 === 1);
      const pattern = new RegExp(`^${parts.map((s, i) => (i % 2 ? '(.+?)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');
      out.push({
        pattern,
        names,
        make(values) {
          const got = Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
          const need = { kind, ...flags, ...Object.fromEntries(keys.map((k) => [k, typeof shape[k] === 'number' ? Number(got[k]) : got[k]])) } as unknown as Need;
          return { field: got[FIELD] as string, need };
        },
      });
    }
  }
  return out;
}

/**
 * The query's `missing` column as entries, in order: each ';'-separated token is a path, or a
 * path with what it must hold, as missingText words it (missingText of the result gives the token back).
 */
export function decodeMissing(text: string | null | undefined): Missing[] {
  if (!text) return [];
  readers ??= needReaders();
  return text.split(MISSING_SEP).map((token) => {
    for (const r of readers as Reader[]) {
      const m = r.pattern.exec(token);
      if (m) return r.make(m.slice(1));
    }
    return { field: token };
  });
}
