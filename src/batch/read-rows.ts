// Streams patients out of a CSV or NDJSON input, one validated row at a time, in input order.
// A bad row becomes an error item with its row number and reasons; it never stops the stream.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import type { Dictionary } from '../criteria/dictionary.js';
import { PatientDataError, excerpt, type Problem } from '../errors.js';
import { knownColumnNames, resolveColumn } from '../patient/csv-columns.js';
import { parseCsvRow, type CsvHeader } from '../patient/csv-row.js';
import { parsePatientData, parsePatientJson, patientIdOf, type ParsedPatient, type ParseOptions } from '../patient/parse.js';
import { suggest } from '../util/did-you-mean.js';
import { reservedSegment } from '../util/own.js';

export type InputItem =
  | { row: number; ok: true; parsed: ParsedPatient }
  | { row: number; ok: false; patientId: string | null; problems: Problem[] };

export type InputFormat = 'csv' | 'ndjson' | 'xlsx' | 'parquet';

/** Csv-parse options shared with the benchmark's bare parse, so the comparison is like for like. */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  // Ragged rows and stray quotes are reported per row by us instead of aborting the file.
  relax_column_count: true,
  relax_quotes: true,
  skip_records_with_error: true,
  skip_empty_lines: true,
  // LF, CRLF and a mix of both (a CRLF template with LF rows appended by a script) all end a row;
  // csv-parse would otherwise take the first line's ending for the whole file.
  record_delimiter: ['\r\n', '\n'] as string[],
  // A record this large is not a patient: bounds memory when a quote is never closed.
  max_record_size: 4 * 1024 * 1024,
} as const;

/** `unknown`: the columns that are not data-dictionary paths, with their 1-based position and the column before. */
export type HeaderInfo = { header: CsvHeader; unknown: { name: string; column: number; after?: string; suggestion?: string }[] };

export function resolveHeader(names: string[], dict: Dictionary, name: string): HeaderInfo {
  const seen = new Set<string>();
  for (const n of names) {
    // (Columns without a name, as a spreadsheet's trailing separators leave, are unknown columns,
    // named by their place: not a column named twice.)
    if (n.trim() === '') continue;
    if (seen.has(n)) throw new PatientDataError([{ location: `${name} header`, message: `column ${excerpt(n)} appears twice: which one holds the value is ambiguous` }]);
    seen.add(n);
  }
  for (const n of names) {
    const bad = reservedSegment(n);
    if (bad !== undefined) throw new PatientDataError([{ location: `${name} header`, message: `column ${excerpt(n)}: "${bad}" cannot be part of a column name (it names a built-in property of every object)` }]);
  }
  const targets = names.map((n) => resolveColumn(n, dict));
  const unknown: HeaderInfo['unknown'] = [];
  let known: string[] | undefined;
  names.forEach((n, i) => {
    if (targets[i]) return;
    known ??= knownColumnNames(dict);
    // Suggest against the pattern with record numbers written as 1.
    const hint = suggest(n.replace(/\.\d+(?=\.|$)/g, '.1'), known);
    const before = names[i - 1];
    const where = { name: n, column: i + 1, ...(before !== undefined && before.trim() !== '' ? { after: before } : {}) };
    unknown.push(hint ? { ...where, suggestion: hint } : where);
  });
  if (names.length > 0 && targets.every((t) => t === undefined)) {
    const sep = names.length === 1 && /[;\t|]/.test(names[0] as string) ? ' (is the file separated by something other than commas?)' : '';
    throw new PatientDataError([{ location: `${name} header`, message: `none of the ${names.length} column${names.length === 1 ? ' is' : 's are'} a data-dictionary path${sep}; see: screen template <trial> --format csv` }]);
  }
  return { header: { names, targets }, unknown };
}

/** A record with the physical lines it came from, or a stretch of lines csv-parse could not read. */
export type Seq = { seq: number; cells: string[]; from: number; to: number } | { seq: number; skipped: string; from: number; to: number };

const linesText = (from: number, to: number) => (from === to ? `line ${from}` : `lines ${from}–${to}`);

/**
 * Every physical line of the input ends up in the header, a screened row, or an error row that
 * names the lines it covers: a quote that is never closed makes one error row for the rest of the
 * file instead of silently swallowing the rows after it.
 *
 * Lines without a quote or a lone carriage return (nearly every line of an export) are split at
 * the delimiter directly, which is what csv-parse makes of them too (a test compares the two);
 * from the first line with one, csv-parse reads the rest of the input, its line numbers offset by
 * the lines already read, so every guarantee above holds unchanged.
 */
export async function* readCsvRows(input: AsyncIterable<Buffer | string>, dict: Dictionary, name: string, onHeader: (info: HeaderInfo) => void, parseOptions: ParseOptions = {}, csv: { delimiter?: string } = {}): AsyncGenerator<InputItem> {
  let header: CsvHeader | undefined;
  const emit = (s: Seq): InputItem | undefined => {
    if ('skipped' in s) {
      if (!header) throw new PatientDataError([{ location: `${name} header`, message: `cannot read the header: ${s.skipped}` }]);
      return { row: s.seq, ok: false, patientId: null, problems: [{ location: 'row', message: `not valid CSV: ${s.skipped}` }] };
    }
    if (!header) {
      const info = resolveHeader(s.cells.map((c) => c.trim()), dict, name);
      header = info.header;
      onHeader(info);
      return undefined;
    }
    // A record spanning several lines with the wrong cell count is usually a stray quote.
    return csvRowItem(header, s.cells, s.seq, dict, parseOptions, s.to > s.from ? ` (${linesText(s.from, s.to)}: is a quote out of place?)` : '');
  };
  for await (const s of csvRecords(input, csv.delimiter ?? ',')) {
    const item = emit(s);
    if (item) yield item;
  }
  if (!header) throw new PatientDataError([{ location: name, message: 'is empty: expected a header row of data-dictionary paths (see: screen template <trial> --format csv)' }]);
}

/** One data row's item: its cells checked against the header and validated (parseCsvRow). */
export function csvRowItem(header: CsvHeader, cells: string[], row: number, dict: Dictionary, parseOptions: ParseOptions, where = ''): InputItem {
  const idIndex = header.names.indexOf('id');
  const patientId = idIndex >= 0 ? (cells[idIndex]?.trim() || null) : null;
  if (cells.length !== header.names.length) return { row, ok: false, patientId, problems: [{ location: 'row', message: `has ${cells.length} cells; the header has ${header.names.length} columns${where}` }] };
  const result = parseCsvRow(header, cells, dict, parseOptions);
  return result.ok ? { row, ok: true, parsed: result.parsed } : { row, ok: false, patientId, problems: result.problems };
}

/** The records of a CSV text with the physical lines each came from, and the stretches that could not be read. */
export async function* csvRecords(input: AsyncIterable<Buffer | string>, delimiter: string): AsyncGenerator<Seq> {
  const state = { seq: 0, lastLine: 0 };
  const it = input[Symbol.asyncIterator]();
  let carry = '';
  let line = 0;
  let first = true;
  let handoff: string | undefined;
  const batch: Seq[] = [];
  while (handoff === undefined) {
    const r = await it.next();
    const end = r.done === true;
    let text = carry + (end ? '' : String(r.value));
    if (first && text !== '') {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (!end || start >= text.length) break;
        nl = text.length;
      }
      const stop = nl > start && nl < text.length && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const lineText = text.slice(start, stop);
      if (lineText.includes('"') || lineText.includes('\r')) {
        handoff = text.slice(start);
        break;
      }
      line += 1;
      start = nl + 1;
      if (lineText === '') continue;
      batch.push({ seq: state.seq++, cells: lineText.split(delimiter), from: state.lastLine + 1, to: line });
      state.lastLine = line;
    }
    if (handoff === undefined) carry = text.slice(start);
    yield* batch;
    batch.length = 0;
    if (end) break;
  }
  if (handoff === undefined) return;
  async function* rest(): AsyncGenerator<string> {
    yield handoff as string;
    for (let r = await it.next(); !r.done; r = await it.next()) yield String(r.value);
  }
  // The byte order mark, if any, is already gone: a later one is data.
  yield* csvParseRecords(rest(), delimiter, line, state, false);
}

/** csv-parse over the rest of the input: `offset` lines were read before it. */
export async function* csvParseRecords(input: AsyncIterable<string>, delimiter: string, offset: number, state: { seq: number; lastLine: number }, bom = true): AsyncGenerator<Seq> {
  const skipped: Seq[] = [];
  // Stamping records and skips from one counter keeps a skipped (malformed) row in its place.
  const stamp = (cells: string[], context: { lines: number }) => {
    const from = state.lastLine + 1;
    state.lastLine = context.lines + offset;
    return { seq: state.seq++, cells, from, to: state.lastLine };
  };
  const options: Options = { ...CSV_PARSE_OPTIONS, bom, delimiter, on_record: stamp as unknown as Options['on_record'] };
  const parser = parse(options);
  parser.on('skip', (err: Error & { code?: string; lines?: number }) => {
    const from = state.lastLine + 1;
    const to = Math.max(from, (err.lines ?? 0) + offset);
    state.lastLine = to;
    const reason = err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `a quoted cell opened on line ${from} is never closed, so ${linesText(from, to)} could not be read (check the quotes; nothing from these lines was screened)`
      : `${err.message.replace(/^[^:]*: /, '').replace(/ at line \d+.*$/s, '')} (${linesText(from, to)}; nothing from these lines was screened)`;
    skipped.push({ seq: state.seq++, skipped: reason, from, to });
  });
  Readable.from(input).on('error', (e) => parser.destroy(e)).pipe(parser);
  for await (const rec of parser as AsyncIterable<Seq>) {
    while (skipped.length && (skipped[0] as Seq).seq < rec.seq) yield skipped.shift() as Seq;
    yield rec;
  }
  yield* skipped;
}

export async function* readNdjsonRows(input: AsyncIterable<Buffer | string>, dict: Dictionary, options: ParseOptions = {}): AsyncGenerator<InputItem> {
  const lines = createInterface({ input: Readable.from(input), crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo += 1;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      let data: unknown;
      try {
        data = parsePatientJson(line, '');
      } catch (e) {
        if (!(e instanceof PatientDataError)) throw e;
        yield { row: lineNo, ok: false, patientId: null, problems: e.problems.map(trimLocation) };
        continue;
      }
      const id = patientIdOf(data);
      try {
        const parsed = parsePatientData(data, '', dict, options);
        yield { row: lineNo, ok: true, parsed: { ...parsed, warnings: parsed.warnings.map(trimLocation) } };
      } catch (e) {
        if (!(e instanceof PatientDataError)) throw e;
        yield { row: lineNo, ok: false, patientId: id, problems: e.problems.map(trimLocation) };
      }
    }
  } finally {
    // Left early (--row has its row, the output closed), readline closes the file under it, and the
    // stream then reports a premature close on the interface when no one listens any more: expected,
    // not an error. (A read error while the loop runs ends the loop with it, as before.)
    lines.on('error', () => undefined);
  }
}

/** Problems of a whole line (no JSON path) are located at the line. */
function trimLocation(p: Problem): Problem {
  return { location: p.location || 'line', message: p.message };
}
