// The inverse of the CSV row convention: a patient JSON object as column -> cell, so JSON
// patients can be turned into batch CSV files (and round-trip tests can prove the two agree).
import type { Dictionary } from '../criteria/dictionary.js';
import { EMPTY_LIST, LIST_SEPARATOR } from './csv-columns.js';

type Cells = Map<string, string>;

function cell(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function patientToCells(data: Record<string, unknown>, dict: Dictionary): Cells {
  const out: Cells = new Map();
  if (typeof data.id === 'string') out.set('id', data.id);
  const refs = data.referenceDates as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(refs ?? {})) out.set(`referenceDates.${k}`, cell(v));
  const reviews = data.reviews as Record<string, Record<string, Record<string, unknown>>> | undefined;
  for (const [trial, byId] of Object.entries(reviews ?? {})) {
    for (const [id, decision] of Object.entries(byId)) for (const [k, v] of Object.entries(decision)) out.set(`reviews.${trial}.${id}.${k}`, cell(v));
  }
  const completeness = data.completeness as Record<string, Record<string, unknown> | null> | undefined;
  for (const [list, entry] of Object.entries(completeness ?? {})) for (const [k, v] of Object.entries(entry ?? {})) out.set(`completeness.${list}.${k}`, cell(v));
  for (const [path, def] of dict.fields) {
    let v: unknown = data;
    for (const k of path.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
    if (v === undefined || v === null) continue;
    switch (def.type) {
      case 'lab':
      case 'scale':
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.set(`${path}.${k}`, cell(x));
        break;
      case 'enumList':
        out.set(path, (v as string[]).length === 0 ? EMPTY_LIST : (v as string[]).join(LIST_SEPARATOR));
        break;
      case 'records': {
        const list = v as Record<string, unknown>[];
        out.set(`${path}.count`, String(list.length));
        list.forEach((item, i) => {
          for (const [k, x] of Object.entries(item)) {
            if (x === null || x === undefined) continue;
            const itemDef = def.item[k];
            if (itemDef?.type === 'doseHistory') {
              const doses = x as Record<string, unknown>[];
              out.set(`${path}.${i + 1}.${k}.count`, String(doses.length));
              doses.forEach((d, j) => {
                for (const [dk, dv] of Object.entries(d)) out.set(`${path}.${i + 1}.${k}.${j + 1}.${dk}`, cell(dv));
              });
            } else if (itemDef?.type === 'enumList') {
              out.set(`${path}.${i + 1}.${k}`, (x as string[]).length === 0 ? EMPTY_LIST : (x as string[]).join(LIST_SEPARATOR));
            } else out.set(`${path}.${i + 1}.${k}`, cell(x));
          }
        });
        break;
      }
      default:
        if (typeof v === 'object') {
          // A number given with its unit: {"value": 150, "unit": "lb"}.
          const q = v as { value?: unknown; unit?: unknown };
          out.set(path, cell(q.value));
          out.set(`${path}.unit`, cell(q.unit));
        } else out.set(path, cell(v));
    }
  }
  return out;
}

/** A CSV header and rows for several patients: the union of their columns, in first-seen order. */
export function patientsToTable(patients: Record<string, unknown>[], dict: Dictionary): { header: string[]; rows: string[][] } {
  const all = patients.map((p) => patientToCells(p, dict));
  const header: string[] = [];
  const seen = new Set<string>();
  for (const cells of all) for (const k of cells.keys()) if (!seen.has(k)) (seen.add(k), header.push(k));
  return { header, rows: all.map((cells) => header.map((h) => cells.get(h) ?? '')) };
}
