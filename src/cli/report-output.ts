// Writes a screening report in the chosen format: one path for one trial and for several, so
// every mode says the same things. Printable formats and the SHA-256 are loaded only when used.
import { resolve } from 'node:path';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { ScreeningResult } from '../engine/result.js';
import { UsageError } from '../errors.js';
import { formatJson } from '../report/json.js';
import { formatMultiJson, formatMultiText } from '../report/multi-trial.js';
import { formatText } from '../report/text.js';
import { toolInfo } from '../version.js';
import { resolveGeneratedAt } from './generated-at.js';
import { sha256Hex } from './input-hash.js';
import { useColor, type CliIo } from './io.js';

export const FORMATS = ['text', 'json', 'html', 'md', 'pdf'] as const;

export type ReportFlags = {
  format?: string;
  brief?: boolean;
  explain?: boolean;
  full?: boolean;
  color?: boolean;
  generatedAt?: string;
  screener?: string;
  out?: string;
};

export function checkReportFlags(flags: ReportFlags, io: CliIo): string {
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format.slice(0, 20)}"`);
  if (format === 'pdf' && flags.out === undefined && io.stdout.isTTY === true) {
    throw new UsageError('--format pdf writes binary data: give --out <file.pdf>, or redirect standard output to a file');
  }
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out needs a file name');
  if (flags.screener !== undefined && flags.screener.trim() === '') throw new UsageError('--screener needs a name');
  // Checked before any work, so a bad value never costs a screening.
  if (format !== 'text') resolveGeneratedAt(flags.generatedAt, io.env);
  return format;
}

export type ReportInput = {
  results: ScreeningResult[];
  sources: Partial<Record<string, ReferenceDateSource>>;
  input: { name: string; bytes: Uint8Array | string };
  dictionary: Dictionary;
  /** Several trials: the ranked summary and the multi-trial JSON shape. */
  multi: boolean;
};

export async function writeReport(r: ReportInput, flags: ReportFlags, io: CliIo): Promise<void> {
  const format = flags.format ?? 'text';
  if (format === 'text') {
    const options = { color: useColor(io, flags.color), brief: flags.brief ?? false, explain: flags.explain ?? false, full: flags.full ?? false, referenceDateSources: r.sources, dictionary: r.dictionary };
    await emit(r.multi ? formatMultiText(r.results, options) : formatText(r.results[0] as ScreeningResult, options), flags, io);
    return;
  }
  const generatedAt = resolveGeneratedAt(flags.generatedAt, io.env);
  const input = { name: r.input.name, sha256: sha256Hex(r.input.bytes) };
  const tool = toolInfo();
  if (format === 'json') {
    const options = { tool, referenceDateSources: r.sources, input, generatedAt, dictionary: r.dictionary };
    await emit(r.multi ? formatMultiJson(r.results, options) : formatJson(r.results[0] as ScreeningResult, options), flags, io);
    return;
  }
  const printableOptions = {
    tool,
    generatedAt,
    input,
    referenceDateSources: r.results.map(() => r.sources),
    full: flags.full ?? false,
    dictionary: r.dictionary,
    ...(flags.screener ? { screener: flags.screener } : {}),
  };
  if (format === 'pdf') {
    // pdfkit is loaded only here: most runs never print.
    const { formatPdf } = await import('../report/pdf.js');
    await emit(await formatPdf(r.results, printableOptions), flags, io);
    return;
  }
  const printable = format === 'html' ? (await import('../report/html.js')).formatHtml : (await import('../report/markdown.js')).formatMarkdown;
  await emit(printable(r.results, printableOptions), flags, io);
}

async function emit(data: string | Uint8Array, flags: ReportFlags, io: CliIo): Promise<void> {
  if (flags.out === undefined) {
    io.stdout.write(data);
    return;
  }
  const { writeFileAtomic } = await import('./atomic-write.js');
  try {
    writeFileAtomic(resolve(io.cwd, flags.out), data);
  } catch (e) {
    throw new UsageError(`--out ${flags.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
}
