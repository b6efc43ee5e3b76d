// Writes a screening report in the chosen format: one path for one trial and for several, so
// every mode says the same things. The format comes from the registry (src/report/formats.ts);
// printable formats are loaded only when used, and the audit stamp (time, SHA-256) only for them.
import { resolve } from 'node:path';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { ScreeningResult } from '../engine/result.js';
import { UsageError } from '../errors.js';
import { defaultFormat, formatByName, outExtensionWarning, type ReportFormat } from '../report/formats.js';
import { toolInfo } from '../version.js';
import { resolveGeneratedAt, runDate } from './generated-at.js';
import { sha256Hex } from './input-hash.js';
import { useColor, type CliIo } from './io.js';

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

/** The registry entry --format names (a UsageError naming every report format if none). */
export function reportFormat(name: string | undefined): ReportFormat {
  return formatByName('report', name ?? defaultFormat('report'));
}

/** Checks the report flags before any work, so a bad value never costs a screening. */
export function checkReportFlags(flags: ReportFlags, io: CliIo): ReportFormat {
  const format = reportFormat(flags.format);
  if (format.binary && flags.out === undefined && io.stdout.isTTY === true) {
    throw new UsageError(`--format ${format.name} writes binary data: give --out <file${format.extension}>, or redirect standard output to a file`);
  }
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out needs a file name');
  const hint = flags.out === undefined ? undefined : outExtensionWarning(flags.out, format);
  if (hint) io.stderr.write(`warning: ${hint}\n`);
  if (flags.screener !== undefined && flags.screener.trim() === '') throw new UsageError('--screener needs a name');
  if (format.stamped) resolveGeneratedAt(flags.generatedAt, io.env);
  return format;
}

export type ReportInput = {
  results: ScreeningResult[];
  sources: Partial<Record<string, ReferenceDateSource>>;
  /** The patient file (its bytes, or their SHA-256 and the file's path: a row of a file of rows). */
  input: { name: string; bytes: Uint8Array | string } | { name: string; sha256: string; path: string };
  dictionary: Dictionary;
  /** Several trials: the ranked summary and the multi-trial JSON shape. */
  multi: boolean;
  /** The run's date ("today", runDate), for a screening date after it; else taken from the flags. */
  today?: string;
};

export async function writeReport(r: ReportInput, flags: ReportFlags, io: CliIo): Promise<void> {
  const format = reportFormat(flags.format);
  const formatter = await format.load();
  const stamp = format.stamped
    ? { tool: toolInfo(), generatedAt: resolveGeneratedAt(flags.generatedAt, io.env), today: r.today ?? runDate(flags.generatedAt, io.env), input: { name: r.input.name, sha256: 'sha256' in r.input ? r.input.sha256 : sha256Hex(r.input.bytes) } }
    : undefined;
  const output = await formatter(r.results, {
    multi: r.multi,
    referenceDateSources: r.sources,
    dictionary: r.dictionary,
    color: useColor(io, flags.color),
    brief: flags.brief ?? false,
    explain: flags.explain ?? false,
    full: flags.full ?? false,
    ...(flags.screener ? { screener: flags.screener } : {}),
    ...(stamp ? { stamp } : {}),
  });
  await emit(output, flags, io, 'path' in r.input ? r.input.path : r.input.name);
}

/** The report to stdout, or to --out as batch writes its file (batch-out-file.ts), never over the input. */
async function emit(data: string | Uint8Array, flags: ReportFlags, io: CliIo, input: string): Promise<void> {
  if (flags.out === undefined) {
    io.stdout.write(data);
    return;
  }
  const { fileIdentity, stdinIdentity, writeOutFile } = await import('./batch-out-file.js');
  const out = resolve(io.cwd, flags.out);
  const source = input === '<stdin>' ? stdinIdentity(io) : fileIdentity(resolve(io.cwd, input));
  if (source !== undefined && source === fileIdentity(out)) {
    throw new UsageError(`--out ${flags.out} is the same file as the patient file ${input === '<stdin>' ? 'on standard input' : input}: writing it would destroy the input; choose another file`);
  }
  // (A new record only for its owner, as patient data: mode 0600.)
  writeOutFile(out, flags.out, data, { newMode: 0o600 });
}
