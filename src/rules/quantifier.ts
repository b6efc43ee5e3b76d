// What exists, forAll and count share: a list of records, each evaluated with the record in scope.
import { enumLabel, fieldLabel, recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import { shift } from '../engine/dates.js';
import { completenessPath, getPath, listIncomplete, type PatientRecord } from '../engine/patient-record.js';
import type { Outcome } from '../engine/logic.js';
import type { RecordName, Trace } from '../engine/result.js';
import { combined, trace } from './kit.js';
import type { CheckContext, Child, ComparisonOp, CompileContext, CompiledNode, Condition, Env, ReadContext } from './types.js';

export type Quantifier = { kind: 'exists' | 'forAll' | 'count'; note?: string | undefined; records: string; where?: Condition | undefined; check?: Condition | undefined };
/**
 * What exists, forAll and count record: the list (total undefined when it is not recorded), whether
 * it is confirmed complete, and for count the bounds of the number counted.
 */
export type QuantifierDetail = { records: string; label?: string; total?: number; complete?: false; completeSince?: string; op?: ComparisonOp; n?: number; low?: number; high?: number | null };
/**
 * One record of a list: the list, the record's index and name as recorded (`label`: the name's
 * label from the criteria files, for an enum), and whether the `where` picks it. Worded by
 * src/report/fact-words.ts (itemWords).
 */
export type ItemDetail = { list: string; index: number; name?: RecordName; label?: string; applies: Outcome };
/** The stand-in for records not entered yet. */
export type UnrecordedDetail = { records: string; label: string };

export function quantifierChildren(n: Quantifier): Child[] {
  const out: Child[] = [];
  if (n.where) out.push({ at: ['where'], node: n.where, records: n.records });
  if (n.check) out.push({ at: ['check'], node: n.check, records: n.records });
  return out;
}

export function checkRecords(n: Quantifier, cx: CheckContext): void {
  if (cx.scope) cx.report('record-scope', ['records'], 'record quantifiers cannot be nested');
  if (cx.dict.fields.get(n.records)?.type !== 'records') cx.report('record-scope', ['records'], `"${n.records}" is not a repeating-record field`);
}

export function readRecords(n: Quantifier, cx: ReadContext): void {
  cx.records(n.records);
}

function completeSince(patient: PatientRecord, records: string): string | undefined {
  const since = patient.completeness?.[records]?.since;
  return typeof since === 'string' ? since : undefined;
}

/**
 * Whether the rule reads the record's date field only through date windows ending at a reference
 * date (not negated): then a record dated earlier falls outside every window a later one does.
 */
function readsDateOnlyInWindows(c: Condition, field: string, negated: boolean): boolean {
  switch (c.kind) {
    case 'all':
    case 'any':
    case 'atLeast':
      return c.of.every((x) => readsDateOnlyInWindows(x, field, negated));
    case 'not':
      return readsDateOnlyInWindows(c.of, field, !negated);
    case 'dateWithin':
      return c.field !== field || !negated;
    case 'ref':
    case 'calc':
      return false;
    default:
      return !JSON.stringify(c).includes(`"${field}"`);
  }
}

/** How a record names itself, as recorded: the first of drug, type, name or test, and its `otherName`. */
export function recordName(item: Record<string, unknown>): RecordName | undefined {
  for (const key of ['drug', 'type', 'name', 'test']) {
    const value = item[key];
    if (typeof value === 'string') return { key, value, ...(typeof item.otherName === 'string' ? { otherName: item.otherName } : {}) };
  }
  return undefined;
}

/** The record as an explanation names it (data; src/report words it). */
function itemDetail(dict: Dictionary, list: string, item: Record<string, unknown>, index: number, applies: Outcome): ItemDetail {
  const name = recordName(item);
  if (!name) return { list, index, applies };
  const def = recordItemField(dict, list, name.key);
  return { list, index, name, ...(def && def.type === 'enum' ? { label: enumLabel(def.values, name.value) } : {}), applies };
}

export type ItemOutcomes = {
  /** One record's outcome from its where/check outcomes (check is undefined for exists/count). */
  item(where: Outcome, check: Outcome | undefined): Outcome;
  /**
   * The quantifier's outcome from its records' outcomes (with one unknown standing for the records
   * a list not confirmed complete may lack); `stop` is an outcome that decides at once.
   */
  all(outcomes: Outcome[], incomplete: boolean): Outcome;
  stop?: Outcome;
  detail?: (outcomes: Outcome[], incomplete: boolean) => Partial<QuantifierDetail>;
};

/** The shared compiled node; `logic` says how records' outcomes combine. */
export function compileQuantifier(n: Quantifier, cx: CompileContext, logic: ItemOutcomes, unknownDetail: QuantifierDetail): CompiledNode {
  const where = n.where ? cx.child(n.where, n.records) : undefined;
  const check = n.check ? cx.child(n.check, n.records) : undefined;
  const label = fieldLabel(cx.dict, n.records);
  const dict = cx.dict;
  const records = n.records;
  const kind = n.kind;
  const outcomes: Outcome[] = [];
  // For a list complete since a date ("no MRI in the last 3 months"): older records can be missing
  // only harmlessly when none of them could satisfy the `where`. Decided on a stand-in record dated
  // the day before `since`, and only when the rule reads the date solely through date windows.
  const def = cx.dict.fields.get(records);
  const dated = def?.type === 'records' ? def.dated : undefined;
  const windowsOnly = dated !== undefined && where !== undefined && n.where !== undefined && readsDateOnlyInWindows(n.where, dated, false);
  const olderOnlyCannotMatch = (env: Env): boolean => {
    const since = completeSince(env.patient, records);
    if (since === undefined || !windowsOnly || !where || !dated) return false;
    const [savedItem, savedIndex, mark] = [env.item, env.index, env.missing.length];
    env.item = { [dated]: shift(since, { days: 1 }, -1) };
    env.index = -1;
    const o = where.evaluate(env);
    env.item = savedItem;
    env.index = savedIndex;
    env.missing.length = mark;
    return o === 'not_met';
  };
  const incompleteFor = (env: Env): boolean => listIncomplete(env.patient, records) && !olderOnlyCannotMatch(env);
  const missingList = (env: Env, x: boolean): Trace | 'unknown' => {
    if (!x) env.missing.push({ field: records });
    return x ? trace(kind, 'unknown', [{ field: records, label, value: null }], [{ field: records }], n.note, unknownDetail) : 'unknown';
  };
  return {
    kind,
    evaluate(env) {
      const list = getPath(env.patient, records);
      if (!Array.isArray(list)) return missingList(env, false) as Outcome;
      const mark = env.missing.length;
      const [savedItem, savedIndex] = [env.item, env.index];
      outcomes.length = 0;
      let result: Outcome | undefined;
      for (let i = 0; i < list.length; i++) {
        env.item = list[i] as Record<string, unknown>;
        env.index = i;
        const itemMark = env.missing.length;
        const w = where ? where.evaluate(env) : 'met';
        const o = logic.item(w, check && w !== 'not_met' ? check.evaluate(env) : check ? 'met' : undefined);
        if (o !== 'unknown') env.missing.length = itemMark;
        if (o === logic.stop) {
          result = o;
          break;
        }
        outcomes.push(o);
      }
      env.item = savedItem;
      env.index = savedIndex;
      if (result === undefined) {
        // A list not confirmed complete may lack records: they stand in as one unknown item.
        const incomplete = incompleteFor(env);
        if (incomplete) {
          env.missing.push({ field: completenessPath(records) });
          outcomes.push('unknown');
        }
        result = logic.all(outcomes, incomplete);
      }
      if (result !== 'unknown' && env.missing.length !== mark) env.missing.length = mark;
      return result;
    },
    explain(env) {
      const list = getPath(env.patient, records);
      if (!Array.isArray(list)) return missingList(env, true) as Trace;
      const [savedItem, savedIndex] = [env.item, env.index];
      const children = list.map((item, index) => {
        env.item = item as Record<string, unknown>;
        env.index = index;
        const w = where?.explain(env);
        const c = check?.explain(env);
        const parts = [w, c].filter((t): t is Trace => t !== undefined);
        const applies = w ? w.outcome : 'met';
        return combined('item', logic.item(applies, c?.outcome), parts, undefined, itemDetail(dict, records, item as Record<string, unknown>, index, applies));
      });
      env.item = savedItem;
      env.index = savedIndex;
      // A list not confirmed complete may lack records: they stand in as one unknown item, so a
      // recorded match still decides and the absence of one stays unknown (Kleene).
      const incomplete = incompleteFor(env);
      if (incomplete) {
        const path = completenessPath(records);
        children.push(trace('unrecorded', 'unknown', [{ field: `${path}.complete`, role: { kind: 'listComplete', list: label }, value: false }], [{ field: path }], undefined, { records, label }));
      }
      const itemOutcomes = children.map((t) => t.outcome);
      const since = completeSince(env.patient, records);
      const detail: QuantifierDetail = { records, label, total: list.length, ...(incomplete ? { complete: false } : {}), ...(since ? { completeSince: since } : {}), ...(logic.detail ? logic.detail(itemOutcomes, incomplete) : {}) };
      return combined(kind, logic.all(itemOutcomes, incomplete), children, n.note, detail);
    },
  };
}

export function describeRecords(cx: { label(field: string): string }, records: string): string {
  return cx.label(records).toLowerCase();
}
