// Every report format behind one signature, `(results, options) => text`, chosen by name: single
// patient, several trials and the questionnaire's final report all format through this registry.
// The printable formats are loaded only when asked for.
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { ScreeningResult } from '../engine/result.js';
import { formatJson } from './json.js';
import { formatMultiJson, formatMultiText } from './multi-trial.js';
import { formatText } from './text.js';

export type FormatOptions = {
  tool: { name: string; version: string };
  color: boolean;
  brief: boolean;
  full: boolean;
  /** Where each reference date came from (the same for every result of one patient). */
  referenceDateSources: Partial<Record<string, ReferenceDateSource>>;
  /** Several trials for one patient: ranked reports. */
  ranked: boolean;
  /** Time printed on html/md reports. */
  generatedAt?: string | undefined;
};

export type Formatter = (results: ScreeningResult[], options: FormatOptions) => string | Promise<string>;

const printableOptions = (results: ScreeningResult[], o: FormatOptions) => ({ tool: o.tool, generatedAt: o.generatedAt ?? '', referenceDateSources: results.map(() => o.referenceDateSources), full: o.full });
const textOptions = (o: FormatOptions) => ({ color: o.color, brief: o.brief, full: o.full, referenceDateSources: o.referenceDateSources });
const jsonOptions = (o: FormatOptions) => ({ tool: o.tool, referenceDateSources: o.referenceDateSources });

export const FORMATTERS = {
  text: (results, o) => (!o.ranked ? formatText(results[0] as ScreeningResult, textOptions(o)) : formatMultiText(results, textOptions(o))),
  json: (results, o) => (!o.ranked ? formatJson(results[0] as ScreeningResult, jsonOptions(o)) : formatMultiJson(results, jsonOptions(o))),
  // One printable record per trial (each on its own page in HTML).
  html: async (results, o) => (await import('./html.js')).formatHtml(results, printableOptions(results, o)),
  md: async (results, o) => (await import('./markdown.js')).formatMarkdown(results, printableOptions(results, o)),
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];
