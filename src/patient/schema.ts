// The patient file schema, derived from the data dictionary with zod. Parsing also normalises:
// units are converted to each field's canonical unit (parse.ts fills in drug classes).
// Built with zod/mini (same core, same issues, a twentieth of the code) because every
// `screen` run loads it: start-up time matters to people who run the tool all day.
import * as z from 'zod/mini';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { compareDates, inDateRange, isValidIsoDate, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import { suggestUnit } from '../util/did-you-mean.js';
import { lazySchema } from '../util/lazy-schema.js';

const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

export const IsoDate = z.string().check(
  z.refine((s) => ISO_SHAPE.test(s), { message: 'must be a date written YYYY-MM-DD' }),
  z.refine((s) => !ISO_SHAPE.test(s) || isValidIsoDate(s), { message: 'is not a real calendar date' }),
  z.refine((s) => !ISO_SHAPE.test(s) || !isValidIsoDate(s) || inDateRange(s), { message: `is outside the years ${MIN_YEAR}–${MAX_YEAR}` }),
);

const referenceDatesSchema = lazySchema(() =>
  z.strictObject({
    screening: z.optional(IsoDate),
    consent: z.optional(IsoDate),
    randomization: z.optional(IsoDate),
  }),
);

const reviewDecisionSchema = lazySchema(() =>
  z.strictObject({
    decision: z.enum(['yes', 'no']),
    by: z.string().check(z.maxLength(200), z.refine((s) => s.trim() !== '', { message: 'must name who decided (a name and role)' })),
    date: IsoDate,
    note: z.optional(z.string().check(z.maxLength(2000))),
  }),
);

/**
 * Where imported values came from: patient-file path (labs.ck, medications[0]) -> the source
 * record(s) ("Observation/abc"). Written by `screen import fhir`; reports show it beside the value.
 */
const provenanceSchema = lazySchema(() =>
  z
    .record(z.string().check(z.maxLength(200)), z.string().check(z.maxLength(2000)))
    .check(z.describe('Where imported values came from: patient-file path (labs.ck, medications[0]) -> source record ("Observation/abc"). Written by screen import fhir.')),
);

const optionalNullable = <T extends z.ZodMiniType>(s: T) => z.optional(z.nullable(s));

function bounded(def: { type: 'number' | 'integer'; min?: number | undefined; max?: number | undefined }) {
  const checks = [];
  if (def.min !== undefined) checks.push(z.minimum(def.min));
  if (def.max !== undefined) checks.push(z.maximum(def.max));
  const base = def.type === 'integer' ? z.int() : z.number();
  return checks.length ? base.check(...checks) : base;
}

function numberSchema(def: Extract<FieldDef, { type: 'number' | 'integer' }>): z.ZodMiniType {
  const n = bounded(def);
  if (!def.convert) return n;
  const convert = def.convert;
  const units = [def.unit ?? '', ...Object.keys(convert)] as [string, ...string[]];
  const withUnit = z.pipe(
    z.pipe(
      z.strictObject({ value: z.number(), unit: z.enum(units) }),
      z.transform((q) => q.value * (q.unit === def.unit ? 1 : (convert[q.unit] ?? 1))),
    ),
    n,
  );
  return z.union([n, withUnit]);
}

function enumSchema(values: Record<string, unknown>) {
  return z.enum(Object.keys(values) as [string, ...string[]]);
}

/** The field's dictionary text, shown by editors through the generated JSON Schema. */
function described(def: FieldDef | ItemFieldDef, schema: z.ZodMiniType): z.ZodMiniType {
  const unit = 'unit' in def && def.unit ? ` [${def.unit}]` : '';
  return schema.check(z.describe(`${def.label}${unit}${def.help ? `. ${def.help}` : ''}`));
}

/** docs: attach each field's description (for the JSON Schema only: it doubles construction time). */
type Build = { docs: boolean };

function leafSchema(def: FieldDef | ItemFieldDef, b: Build): z.ZodMiniType {
  const schema = bareLeafSchema(def, b);
  return b.docs ? described(def, schema) : schema;
}

function bareLeafSchema(def: FieldDef | ItemFieldDef, b: Build): z.ZodMiniType {
  switch (def.type) {
    case 'number':
    case 'integer':
      return numberSchema(def);
    case 'boolean':
      return z.boolean();
    case 'string':
      return z.string().check(z.maxLength(def.maxLength ?? 500));
    case 'date':
      return IsoDate;
    case 'enum':
      return enumSchema(def.values);
    case 'enumList':
      return z.array(enumSchema(def.values)).check(z.refine((xs) => new Set(xs).size === xs.length, { message: 'lists a value twice' }));
    case 'doseHistory':
      return z
        .array(z.strictObject({ date: IsoDate, dose: z.optional(z.number().check(z.minimum(0), z.maximum(def.max))), unit: z.optional(doseUnitSchema(def.units)) }))
        .check(z.refine((xs) => new Set(xs.map((x) => x.date)).size === xs.length, { message: 'has two dose entries on the same date' }));
    case 'lab':
      return labSchema(def);
    case 'scale':
      return z.strictObject({
        score: z.number().check(z.minimum(0)),
        max: z.number().check(z.refine((m) => def.scales.includes(m), { message: `must be one of ${def.scales.join(', ')}` })),
      }).check(z.refine((s) => s.score <= s.max, { message: 'is above the scale maximum', path: ['score'] }));
    case 'records':
      return z.array(recordSchema(def, b)).check(z.maxLength(500));
  }
}

/** A dose unit from the dictionary's list; a near miss gets a did-you-mean ("mg/d" → "mg/day"). */
function doseUnitSchema(units: readonly string[] | undefined): z.ZodMiniType {
  const text = z.string().check(z.maxLength(40));
  if (!units) return text;
  return text.check(
    z.superRefine((u, ctx) => {
      if (units.includes(u)) return;
      const hint = suggestUnit(u, units);
      ctx.addIssue({ code: 'custom', message: `is not a dose unit the criteria can use${hint ? ` (did you mean "${hint}"?)` : ''}: write one of ${units.join(', ')}`, input: u });
    }),
  );
}

function labSchema(def: Extract<FieldDef, { type: 'lab' }>): z.ZodMiniType {
  const convert = def.convert ?? {};
  const units = [def.unit, ...Object.keys(convert)] as [string, ...string[]];
  const raw = z
    .strictObject({
      value: optionalNullable(z.number().check(z.minimum(0))),
      unit: z.optional(z.enum(units)),
      uln: optionalNullable(z.number().check(z.gt(0))),
      date: z.optional(IsoDate),
    })
    .check(
      z.superRefine((lab, ctx) => {
        if (lab.value === undefined || lab.value === null) return;
        if (lab.uln === undefined || lab.uln === null) ctx.addIssue({ code: 'custom', path: ['uln'], message: "is required with a value: '× ULN' rules use the reporting lab's upper limit of normal", input: lab });
        if (lab.unit === undefined) ctx.addIssue({ code: 'custom', path: ['unit'], message: `is required with a value (${units.join(' or ')})`, input: lab });
      }),
    );
  return z.pipe(
    raw,
    z.transform((lab, ctx) => {
      if (lab.value === undefined || lab.value === null || !lab.unit) return { ...(lab.date ? { date: lab.date } : {}) };
      const factor = lab.unit === def.unit ? 1 : (convert[lab.unit] ?? 1);
      const value = lab.value * factor;
      const uln = (lab.uln ?? 0) * factor;
      // The plausible range is checked after conversion: 1e307 µkat/L is finite, but Infinity U/L.
      for (const [key, n] of [['value', value], ['uln', uln]] as const) {
        if (Number.isFinite(n) && n <= def.max) continue;
        const converted = factor !== 1 ? ` (${Number.isFinite(n) ? `${n} ${def.unit}` : 'too large to represent'} after conversion from ${lab.unit})` : '';
        ctx.issues.push({ code: 'custom', path: [key], message: `is outside the plausible range 0–${def.max} ${def.unit}${converted}`, input: lab[key] });
      }
      return {
        value,
        uln,
        unit: def.unit,
        ...(lab.date ? { date: lab.date } : {}),
        ...(factor !== 1 ? { original: { value: lab.value, uln: lab.uln, unit: lab.unit } } : {}),
      };
    }),
  );
}

function recordSchema(def: Extract<FieldDef, { type: 'records' }>, b: Build): z.ZodMiniType {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [name, item] of Object.entries(def.item)) shape[name] = optionalNullable(leafSchema(item, b));
  // Date items that cannot precede another item of the same record (resolved before diagnosed).
  const orders = Object.entries(def.item).flatMap(([name, item]) => (item.type === 'date' && item.notBefore ? [[name, item.notBefore] as const] : []));
  const obj = orders.length
    ? z.object(shape).check(
        z.superRefine((r: Record<string, unknown>, ctx) => {
          for (const [name, before] of orders) {
            const a = r[name];
            const b = r[before];
            if (typeof a === 'string' && typeof b === 'string' && isValidIsoDate(a) && isValidIsoDate(b) && compareDates(a, b) < 0) {
              ctx.addIssue({ code: 'custom', path: [name], message: `is before ${before} (${b})`, input: a });
            }
          }
        }),
      )
    : z.object(shape);
  if (def.kindOf !== 'medication') return obj;
  const drug = def.item.drug;
  const classes = new Map<string, string>();
  if (drug?.type === 'enum') for (const [value, entry] of Object.entries(drug.values)) if (typeof entry !== 'string' && entry.class) classes.set(value, entry.class);
  return obj.check(
    z.superRefine(checkMedication),
    z.superRefine((m: { drug?: unknown; class?: unknown }, ctx) => {
      // The class of a known drug comes from the dictionary; a different one is a contradiction.
      const known = typeof m.drug === 'string' ? classes.get(m.drug) : undefined;
      if (known && typeof m.class === 'string' && m.class !== known) ctx.addIssue({ code: 'custom', path: ['class'], message: `contradicts the drug, which is a ${known}`, input: m.class });
    }),
  );
}

type MedicationInput = { start?: unknown; stop?: unknown; ongoing?: unknown; doses?: unknown };

function checkMedication(m: MedicationInput, ctx: { addIssue: (i: { code: 'custom'; path: (string | number)[]; message: string; input: unknown }) => void }) {
  const valid = (d: unknown): d is string => typeof d === 'string' && isValidIsoDate(d);
  if (m.ongoing === true && m.stop) ctx.addIssue({ code: 'custom', path: ['ongoing'], message: 'is true but a stop date is given', input: m.ongoing });
  if (valid(m.start) && valid(m.stop) && compareDates(m.stop, m.start) < 0) ctx.addIssue({ code: 'custom', path: ['stop'], message: 'is before the start date', input: m.stop });
  if (valid(m.start) && Array.isArray(m.doses)) {
    (m.doses as { date?: unknown }[]).forEach((d, i) => {
      if (valid(d.date) && compareDates(d.date, m.start as string) < 0) ctx.addIssue({ code: 'custom', path: ['doses', i, 'date'], message: 'is before the start date', input: d.date });
    });
  }
}

type Tree = { [key: string]: Tree | z.ZodMiniType };

function isSchema(x: Tree | z.ZodMiniType): x is z.ZodMiniType {
  return typeof (x as { _zod?: unknown })._zod === 'object';
}

function hasPath(data: unknown, keys: string[]): boolean {
  let cur = data;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, k)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

function valueAt(data: unknown, keys: string[]): unknown {
  return keys.reduce((cur, k) => (cur as Record<string, unknown>)[k], data);
}

/**
 * A record list's definition with only the items some record of `list` has: every item is
 * optional and keys outside the items are dropped either way, so the result on that list is the
 * same (issues in the same order), and an empty list (`"malignancies": []`) builds no item schemas.
 */
function itemsUsed(def: Extract<FieldDef, { type: 'records' }>, list: unknown): FieldDef {
  const used = new Set<string>();
  if (Array.isArray(list)) for (const r of list) if (r !== null && typeof r === 'object') for (const k of Object.keys(r)) used.add(k);
  return { ...def, item: Object.fromEntries(Object.entries(def.item).filter(([name]) => used.has(name))) };
}

/**
 * The leaf schema for one value, built for what the value is, with the same result on it:
 * a record list builds only the items its records use; a number with unit conversions that is a
 * valid plain number needs only the plain-number schema (the union takes its first branch that
 * succeeds, so the `{value, unit}` branch is never reached).
 */
function leafSchemaFor(def: FieldDef, value: unknown, b: Build): z.ZodMiniType {
  if (def.type === 'records') return leafSchema(itemsUsed(def, value), b);
  if ((def.type === 'number' || def.type === 'integer') && def.convert && typeof value === 'number' && !b.docs) {
    const plain = bounded(def);
    if (plain.safeParse(value).success) return plain;
  }
  return leafSchema(def, b);
}

/**
 * The patient schema for a dictionary: nested objects by field path, every field optional.
 * With `onlyFor`, fields absent from that data are left out: every field is optional, so the
 * result on that data is the same, and building a schema for a dozen fields instead of a hundred
 * is what a single `screen` run would otherwise spend most of its validation time on.
 */
export function patientSchema(dict: Dictionary, options: { onlyFor?: unknown; docs?: boolean } = {}) {
  const { onlyFor } = options;
  const b: Build = { docs: options.docs ?? false };
  const tree: Tree = {};
  for (const [path, def] of dict.fields) {
    const keys = path.split('.');
    let node = tree;
    let present = true;
    for (const [i, k] of keys.slice(0, -1).entries()) {
      // A section the data has is always checked (it must be an object), even if it holds no known field.
      if (onlyFor !== undefined && !hasPath(onlyFor, keys.slice(0, i + 1))) {
        present = false;
        break;
      }
      if (node[k] === undefined) node[k] = {};
      node = node[k] as Tree;
    }
    if (!present || (onlyFor !== undefined && !hasPath(onlyFor, keys))) continue;
    if (onlyFor === undefined) {
      node[keys[keys.length - 1] as string] = optionalNullable(leafSchema(def, b));
      continue;
    }
    // A value that is neither null nor undefined goes straight to its schema: optional(nullable(s))
    // only differs from s on those two.
    const value = valueAt(onlyFor, keys);
    const leaf = leafSchemaFor(def, value, b);
    node[keys[keys.length - 1] as string] = value === null || value === undefined ? optionalNullable(leaf) : leaf;
  }
  const build = (t: Tree): z.ZodMiniType => {
    const shape: Record<string, z.ZodMiniType> = {};
    for (const [k, v] of Object.entries(t)) shape[k] = isSchema(v) ? v : z.optional(build(v));
    return z.object(shape);
  };
  const sections = (build(tree) as z.ZodMiniObject).shape;
  const has = (key: string) => onlyFor === undefined || hasPath(onlyFor, [key]);
  return z.object({
    $schema: z.optional(z.string()),
    id: z.optional(z.string().check(z.maxLength(100))),
    // Sections the data leaves out are left out of a pruned schema (every one is optional).
    ...(has('referenceDates') ? { referenceDates: z.optional(referenceDatesSchema()) } : {}),
    ...(has('reviews') ? { reviews: z.optional(z.record(z.string(), z.record(z.string(), reviewDecisionSchema()))) } : {}),
    ...(has('provenance') ? { provenance: z.optional(provenanceSchema()) } : {}),
    ...(has('completeness') ? { completeness: z.optional(completenessSchema(dict, b)) } : {}),
    ...sections,
  });
}

/** The dictionary's record lists, in dictionary order. */
export function recordLists(dict: Dictionary): string[] {
  return [...dict.fields].filter(([, def]) => def.type === 'records').map(([path]) => path);
}

const listCompletenessSchema = lazySchema(() =>
  z.strictObject({
    complete: z.boolean(),
    since: z.optional(IsoDate),
    by: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    date: z.optional(IsoDate),
    note: z.optional(z.string().check(z.maxLength(2000))),
  }),
);

/**
 * `completeness.<list>`: whether each record list holds every record. `complete: false` keeps
 * every criterion that depends on the absence of a record unknown; no entry keeps the rule that
 * a present list is complete.
 */
function completenessSchema(dict: Dictionary, b: Build): z.ZodMiniType {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const path of recordLists(dict)) {
    const dated = (dict.fields.get(path) as Extract<FieldDef, { type: 'records' }>).dated;
    const entry = optionalNullable(
      listCompletenessSchema().check(
        z.superRefine((e, ctx) => {
          if (e.since === undefined) return;
          if (!dated) ctx.addIssue({ code: 'custom', path: ['since'], message: `is not available for this list (its records have no single date)`, input: e.since });
          else if (!e.complete) ctx.addIssue({ code: 'custom', path: ['since'], message: 'goes with "complete": true (every record dated on or after it is in the list)', input: e.since });
        }),
      ),
    );
    shape[path] = b.docs ? entry.check(z.describe(`Is the ${(dict.fields.get(path) as FieldDef).label.toLowerCase()} list complete? {"complete": false} while records may be missing; {"complete": true, "by", "date"} once confirmed.`)) : entry;
  }
  return z.strictObject(shape);
}

/** Every key path the dictionary allows, for unknown-key warnings. Records use "[]". */
export function knownKeyTree(dict: Dictionary): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  const add = (parent: string, key: string) => {
    const set = children.get(parent) ?? new Set<string>();
    set.add(key);
    children.set(parent, set);
  };
  for (const k of ['$schema', 'id', 'referenceDates', 'reviews', 'provenance', 'completeness']) add('', k);
  for (const list of recordLists(dict)) {
    add('completeness', list);
    for (const k of ['complete', 'since', 'by', 'date', 'note']) add(`completeness.${list}`, k);
  }
  for (const k of ['screening', 'consent', 'randomization']) add('referenceDates', k);
  for (const [path, def] of dict.fields) {
    const keys = path.split('.');
    keys.forEach((k, i) => add(keys.slice(0, i).join('.'), k));
    if (def.type === 'lab') for (const k of ['value', 'unit', 'uln', 'date']) add(path, k);
    if (def.type === 'scale') for (const k of ['score', 'max']) add(path, k);
    if ((def.type === 'number' || def.type === 'integer') && def.convert) for (const k of ['value', 'unit']) add(path, k);
    if (def.type === 'records') {
      for (const [name, item] of Object.entries(def.item)) {
        add(`${path}[]`, name);
        if (item.type === 'doseHistory') for (const k of ['date', 'dose', 'unit']) add(`${path}[].${name}[]`, k);
      }
    }
  }
  return children;
}
