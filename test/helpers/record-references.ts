// Checks that every medication record a report names is a record of the patient file, and of the
// drug the report says: item nodes, the paths under them, calculators' drugs, chains and the
// labels of values to collect ("of Methotrexate (medications #3)"). Returns what does not hold.
import type { Dictionary } from '../../src/criteria/dictionary-model.js';
import { drugWords, recordNameWords } from '../../src/report/fact-words.js';
import { recordWords } from '../../src/report/missing-label.js';
import { recordName } from '../../src/rules/quantifier.js';
import { recordItemField } from '../../src/criteria/dictionary-model.js';
import { enumLabel } from '../../src/criteria/dictionary-model.js';

type Med = Record<string, unknown>;

/** How reports name file record `k` as an item ("Methotrexate", "Other (Tacrolimus)", "#3"). */
function itemName(dict: Dictionary, meds: Med[], k: number): string | undefined {
  const med = meds[k];
  if (!med) return undefined;
  const name = recordName(med);
  const def = name ? recordItemField(dict, 'medications', name.key) : undefined;
  return recordNameWords(name, k, name && def?.type === 'enum' ? enumLabel(def.values, name.value) : undefined);
}

/** How a calculator names file record `k` ("Prednisone", or the other drug's name). */
function calcName(dict: Dictionary, meds: Med[], k: number): string | undefined {
  const med = meds[k];
  if (!med) return undefined;
  const def = recordItemField(dict, 'medications', 'drug');
  const drug = typeof med.drug === 'string' ? med.drug : undefined;
  return drugWords({ index: k, ...(drug ? { drug, ...(def?.type === 'enum' ? { label: enumLabel(def.values, drug) } : {}) } : {}), ...(typeof med.otherName === 'string' ? { otherName: med.otherName } : {}) });
}

const PATH = /medications\[(\d+)\]/g;
const LABEL = /of ((?:(?! of ).)+?) \(medications #(\d+)((?:, joined with #\d+(?:, #\d+)*)?)\)/g;
const CHAIN = /medication records ((?:#\d+(?:, )?)+)/g;
const numbers = (s: string) => [...s.matchAll(/#(\d+)/g)].map((m) => Number(m[1]) - 1);

/** Problems with the record references of a JSON report (screen --format json) for the file's `meds`. */
export function jsonReferenceProblems(report: any, meds: Med[], dict: Dictionary): string[] {
  const out: string[] = [];
  const named = (k: number, want: string | undefined, where: string) => {
    if (!Number.isInteger(k) || k < 0 || k >= meds.length) out.push(`${where}: medications[${k}] is not a record of the file (${meds.length} records)`);
    else if (want !== undefined && itemName(dict, meds, k) !== want && calcName(dict, meds, k) !== want) out.push(`${where}: medications[${k}] is ${itemName(dict, meds, k)}, not ${want}`);
  };
  const strings = (s: string, drug: string | undefined, where: string) => {
    for (const m of s.matchAll(PATH)) named(Number(m[1]), drug, `${where} "${s}"`);
    for (const m of s.matchAll(CHAIN)) for (const k of numbers(m[1] as string)) named(k, drug, `${where} "${s}"`);
    for (const m of s.matchAll(LABEL)) for (const k of [Number(m[2]) - 1, ...numbers(m[3] as string)]) named(k, m[1], `${where} "${s}"`);
  };
  // `list`: the records the nearest quantifier above ranges over; `drug`: the medication item above.
  const trace = (t: any, list: string | undefined, drug: string | undefined, where: string) => {
    let scope = drug;
    if (t.kind === 'item' && list === 'medications') {
      named(t.detail.index, t.detail.item, `${where} item`);
      scope = t.detail.item;
    }
    for (const f of t.facts ?? []) {
      strings(f.field, scope, `${where} fact`);
      // A calculator's fact is about the drug its label starts with.
      const calc = /^medications\[(\d+)\]/.exec(f.field);
      if (calc && t.kind === 'calc') {
        const want = calcName(dict, meds, Number(calc[1]));
        if (want === undefined || !String(f.label).startsWith(want)) out.push(`${where}: fact ${f.field} "${f.label}" is not about ${want}`);
      }
    }
    for (const m of t.missing ?? []) strings(m.field, scope, `${where} missing`);
    if (t.detail && typeof t.detail.chainRecords === 'string') for (const k of t.detail.chainRecords.split(',')) named(Number(k), scope, `${where} chain`);
    const inner = typeof t.detail?.records === 'string' ? t.detail.records : list;
    for (const c of t.children ?? []) trace(c, inner, scope, where);
  };
  for (const c of report.criteria) {
    trace(c.trace, undefined, undefined, c.id);
    for (const f of c.facts) strings(f.field, undefined, `${c.id} facts`);
    for (const m of c.missing) strings(m.field, undefined, `${c.id} missing`);
    for (const line of String(c.explanation).split('\n')) strings(line.replace(CHAIN, ''), undefined, `${c.id} explanation`);
  }
  for (const m of report.missing) {
    strings(m.field, undefined, 'missing');
    strings(m.label, undefined, 'missing label');
    // The label names the record its path does.
    const path = /^medications\[(\d+)\]/.exec(m.field);
    const label = /\(medications #(\d+)/.exec(m.label);
    if (path && label && Number(path[1]) !== Number(label[1]) - 1) out.push(`missing ${m.field}: labelled ${m.label}`);
  }
  return out;
}

/** Problems with the "(medications #n)" labels of a text report. */
export function textReferenceProblems(text: string, meds: Med[], dict: Dictionary): string[] {
  const out: string[] = [];
  // (A label may wrap: lines are joined first.)
  const flat = text.replace(/\n\s+/g, ' ');
  for (const m of flat.matchAll(LABEL)) {
    for (const k of [Number(m[2]) - 1, ...numbers(m[3] as string)]) {
      if (k >= meds.length) out.push(`"${m[0]}": no record #${k + 1} in the file`);
      else if (recordWords(dict, 'medications', recordName(meds[k] as Med), k) !== m[1]) out.push(`"${m[0]}": record #${k + 1} is ${itemName(dict, meds, k)}`);
    }
  }
  return out;
}
