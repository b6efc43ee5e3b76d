// The one list of output formats: every `--format` choice, its help words, media type and file
// extension, and a loader for its formatter, so validation, help, --out hints and the docs all read
// the same entries. A screening report's formatter is `(results, options) => string | bytes`; a
// batch format is a row stream `{ start, row, end }` over the same rows. Entries hold loaders, not
// modules: the printable formats (html, md, pdf with pdfkit) and the batch rows load only when used,
// while text and json, which single-patient screening needs at start-up, are in the core bundle.
import type { BatchRow } from '../batch/batch-row.js';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDateSource } from '../engine/reference-dates.js';
import type { ScreeningResult } from '../engine/result.js';
import { UsageError } from '../errors.js';
import { formatJson } from './json.js';
import { formatMultiJson, formatMultiText } from './multi-trial.js';
import type { PrintableOptions } from './printable.js';
import { formatText } from './text.js';

/** The audit trail of stamped formats: who made the report, when, and from which input bytes. */
export type ReportStamp = {
  tool: { name: string; version: string };
  /** ISO 8601 UTC time (--generated-at, SOURCE_DATE_EPOCH, else the clock). */
  generatedAt: string;
  /** The date of the run as a coordinator reads "today" (cli/generated-at.ts runDate): a screening date after it is said on the record. */
  today?: string;
  /** The patient file as read: its name and the SHA-256 of its bytes. */
  input: { name: string; sha256: string };
};

/** What every report formatter receives; each format reads the options it has a use for. */
export type ReportOptions = {
  /** Several trials (--all, or --trial repeated): every trial's report, then the ranking. */
  multi: boolean;
  /** Where each reference date came from (one patient file, so the same for every result). */
  referenceDateSources: Partial<Record<string, ReferenceDateSource>>;
  /** Questions and sections for the data to collect. */
  dictionary?: Dictionary;
  color?: boolean;
  brief?: boolean;
  explain?: boolean;
  full?: boolean;
  /** Who screened the patient (--screener), for the printed record. */
  screener?: string;
  /** Given for formats with `stamped: true` (see writeReport). */
  stamp?: ReportStamp;
};

export type ReportOutput = string | Uint8Array;
export type ReportFormatter = (results: ScreeningResult[], options: ReportOptions) => ReportOutput | Promise<ReportOutput>;

/** A batch format writes one piece per row, so output streams and memory stays flat. */
export type RowWriter = {
  start(): string;
  row(r: BatchRow): string;
  end(): string;
  /**
   * Optional, for rows that share all but their number, patient id and warnings (the native DuckDB
   * path's, whose results many rows share): `row` of `r` as a function of those three, the rest
   * written once. template(r)(n, id, w) is row({ ...r, row: n, patientId: id, warnings: w }).
   */
  template?(r: BatchRow): RowTemplate;
};
export type RowTemplate = (row: number, patientId: string | null, warnings: string[]) => string;
export type BatchOptions = {
  /** CSV --wide: "<trial>:<criterion id>" for each criterion of each trial. */
  wideColumns?: { trial: string; criterion: string }[];
};
export type RowFormatter = (options: BatchOptions) => RowWriter;

type Common = {
  name: string;
  /** One line for --help and the docs. */
  summary: string;
  mediaType: string;
  /** The usual file extension, with its dot (for --out hints). */
  extension: string;
  /** Binary output: refused on a terminal without --out. */
  binary: boolean;
};

export type ReportFormat = Common & {
  /** A screening report of one patient against one or several trials. */
  appliesTo: 'report';
  /** Carries the audit stamp (tool, time, input SHA-256); --generated-at is checked for these. */
  stamped: boolean;
  load(): Promise<ReportFormatter>;
};

export type BatchFormat = Common & {
  /** `screen batch` output: a stream of rows, one per input row per trial. */
  appliesTo: 'batch';
  load(): Promise<RowFormatter>;
};

export type OutputFormat = ReportFormat | BatchFormat;

function stampOf(o: ReportOptions, format: string): ReportStamp {
  if (!o.stamp) throw new Error(`the ${format} report needs options.stamp (its audit trail)`);
  return o.stamp;
}

function printable(results: ScreeningResult[], o: ReportOptions, format: string): PrintableOptions {
  return {
    ...stampOf(o, format),
    // One patient file: the same reference-date sources for every trial.
    referenceDateSources: results.map(() => o.referenceDateSources),
    full: o.full ?? false,
    ...(o.dictionary ? { dictionary: o.dictionary } : {}),
    ...(o.screener ? { screener: o.screener } : {}),
  };
}

/** html, md and pdf: the stamped printable record, its formatter loaded on first use. */
function printableFormat(
  f: Common,
  load: () => Promise<(results: ScreeningResult[], options: PrintableOptions) => ReportOutput | Promise<ReportOutput>>,
): ReportFormat {
  return {
    ...f,
    appliesTo: 'report',
    stamped: true,
    load: async () => {
      const format = await load();
      return (results, o) => format(results, printable(results, o, f.name));
    },
  };
}

const text: ReportFormatter = (results, o) => {
  const options = {
    color: o.color ?? false,
    brief: o.brief ?? false,
    explain: o.explain ?? false,
    full: o.full ?? false,
    referenceDateSources: o.referenceDateSources,
    ...(o.dictionary ? { dictionary: o.dictionary } : {}),
  };
  return o.multi ? formatMultiText(results, options) : formatText(results[0] as ScreeningResult, options);
};

const json: ReportFormatter = (results, o) => {
  const options = { ...stampOf(o, 'json'), referenceDateSources: o.referenceDateSources, ...(o.dictionary ? { dictionary: o.dictionary } : {}) };
  return o.multi ? formatMultiJson(results, options) : formatJson(results[0] as ScreeningResult, options);
};

/**
 * The first report format and the first batch format are the defaults. The calls are marked
 * pure so that a bundle which does not read the registry (batch-run's) can drop it, and the text
 * and json formatters with it.
 */
export const FORMATS: readonly OutputFormat[] = [
  {
    name: 'text',
    appliesTo: 'report',
    summary: 'the report for people',
    mediaType: 'text/plain',
    extension: '.txt',
    binary: false,
    stamped: false,
    load: async () => text,
  },
  {
    name: 'json',
    appliesTo: 'report',
    summary: 'the versioned report, schema/report.schema.json',
    mediaType: 'application/json',
    extension: '.json',
    binary: false,
    stamped: true,
    load: async () => json,
  },
  /* @__PURE__ */ printableFormat({ name: 'html', summary: 'the printable record to sign', mediaType: 'text/html', extension: '.html', binary: false }, async () => (await import('./html.js')).formatHtml),
  /* @__PURE__ */ printableFormat({ name: 'md', summary: 'the printable record in Markdown', mediaType: 'text/markdown', extension: '.md', binary: false }, async () => (await import('./markdown.js')).formatMarkdown),
  // pdfkit is loaded only here: most runs never print.
  /* @__PURE__ */ printableFormat({ name: 'pdf', summary: 'the printable record as PDF', mediaType: 'application/pdf', extension: '.pdf', binary: true }, async () => (await import('./pdf.js')).formatPdf),
  {
    name: 'csv',
    appliesTo: 'batch',
    summary: 'a row per patient per trial',
    mediaType: 'text/csv',
    extension: '.csv',
    binary: false,
    load: async () => (await import('./batch-output.js')).csvRows,
  },
  {
    name: 'ndjson',
    appliesTo: 'batch',
    summary: 'a JSON object per line',
    mediaType: 'application/x-ndjson',
    extension: '.ndjson',
    binary: false,
    load: async () => (await import('./batch-output.js')).ndjsonRows,
  },
  {
    name: 'json',
    appliesTo: 'batch',
    summary: 'a JSON array of the rows',
    mediaType: 'application/json',
    extension: '.json',
    binary: false,
    load: async () => (await import('./batch-output.js')).jsonRows,
  },
];

type Applies = OutputFormat['appliesTo'];
type FormatFor<A extends Applies> = Extract<OutputFormat, { appliesTo: A }>;

export function formatsFor<A extends Applies>(appliesTo: A): FormatFor<A>[] {
  return FORMATS.filter((f): f is FormatFor<A> => f.appliesTo === appliesTo);
}

/** What `--format` is when not given: the first entry of that kind. */
export function defaultFormat(appliesTo: Applies): string {
  return (formatsFor(appliesTo)[0] as OutputFormat).name;
}

/** The names `--format` accepts for reports or for batch, in registry order. */
export function formatNames(appliesTo: Applies): string[] {
  return formatsFor(appliesTo).map((f) => f.name);
}

export function findFormat<A extends Applies>(appliesTo: A, name: string): FormatFor<A> | undefined {
  return formatsFor(appliesTo).find((f) => f.name === name);
}

/** The entry `--format <name>` names, or the usage error that lists every name. */
export function formatByName<A extends Applies>(appliesTo: A, name: string): FormatFor<A> {
  const format = findFormat(appliesTo, name);
  if (!format) throw new UsageError(`--format must be one of ${formatNames(appliesTo).join(', ')}, got "${String(name).slice(0, 20)}"`);
  return format;
}

/** The format whose usual extension a file name has, if any. */
export function formatOfFileName(appliesTo: Applies, file: string): OutputFormat | undefined {
  const lower = file.toLowerCase();
  return formatsFor(appliesTo).find((f) => lower.endsWith(f.extension));
}

/** `--out record.pdf --format html`: the warning when the file name says another format. */
export function outExtensionWarning(out: string, format: OutputFormat): string | undefined {
  const named = formatOfFileName(format.appliesTo, out);
  if (!named || named.extension === format.extension) return undefined;
  return `--out ${out.slice(0, 80)}: the name ends in ${named.extension}, but --format ${format.name} writes ${format.mediaType}; for ${named.name} give --format ${named.name}`;
}

/** The `--format` help line: each name with what it writes. */
export function formatHelp(appliesTo: Applies): string {
  return `output format (${formatsFor(appliesTo)
    .map((f) => `${f.name}: ${f.summary}`)
    .join('; ')})`;
}
